import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { minimatch } from 'minimatch';
import { UsageError } from './errors.js';
import { lineStarts, parseJson, position } from './load/json.js';
import { toPosix } from './load/files.js';
import type { Doc, Model } from './model.js';
import type { Finding, Level, Rule } from './rule.js';

/** The config file's name; found by walking up from the working directory. */
export const CONFIG_FILE = '.s3tables-lint.json';

/** `off` leaves the rule out; a level re-levels every finding of the rule. */
export type RuleSetting = Level | 'off';

/** The policies of one IAM role, as files. */
export interface RoleBinding {
  /** Identity policies (inline or attached) of the role. */
  policies?: string[];
  /** The role's trust policy. */
  trust?: string;
}

/**
 * Which bare policy files belong to whom, for what cannot be linked by ARN. Paths are files;
 * relative paths are resolved against the config file's directory (in the config file) or the
 * working directory (in `LintOptions`). Bound files are loaded as inputs even when not named.
 */
export interface Bindings {
  /** Policies of the principal that calls PutTableReplication / PutTableBucketReplication. */
  caller?: string[];
  /** Keyed by role ARN or role name (as `configuration.role` names it). */
  roles?: Record<string, RoleBinding>;
}

/** Hides matching findings from the text output and the exit code; SARIF and JSON keep them, marked. */
export interface Suppression {
  /** A rule id or a glob over rule ids. */
  rule: string;
  /** A glob over file paths, relative to the config file's directory. */
  files: string;
  /** Optional: only findings about this ARN (`*` and `?` are wildcards). */
  resource?: string;
  /** Why this is acceptable; mandatory. */
  justification: string;
}

/** `.s3tables-lint.json` (schema: schema/s3tables-lint.schema.json). */
export interface Config {
  $schema?: string;
  /** Rule id glob → `off` or a level; when several match a rule, the last one wins. */
  rules?: Record<string, RuleSetting>;
  failOn?: Level;
  /** Globs for directory scans (replace the default `**\/*.json`). */
  include?: string[];
  /** Globs for directory scans (added to the default `node_modules` and `.git`). */
  exclude?: string[];
  bindings?: Bindings;
  suppressions?: Suppression[];
}

export interface LoadedConfig {
  /** Absolute path of the file. */
  path: string;
  /** Relative paths and globs in the file are resolved against this directory. */
  dir: string;
  /** The file's text (unused suppressions are located in it). */
  text: string;
  config: Config;
}

/**
 * The config file for `cwd`: the nearest `.s3tables-lint.json` in `cwd` or a parent directory.
 * The walk stops at the root of the git repository (a directory holding `.git`), so a stray
 * file above a repository never applies to it, and at the filesystem root.
 */
export function findConfig(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE);
    if (isFile(candidate)) return candidate;
    if (existsSync(join(dir, '.git'))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Reads and validates a config file; any problem is a one-line UsageError naming the member. */
export function loadConfig(path: string, cwd: string = process.cwd()): LoadedConfig {
  const abs = resolve(cwd, path);
  const name = toPosix(relative(cwd, abs)) || abs;
  let text: string;
  try {
    text = readFileSync(abs, 'utf8').replace(/^\uFEFF/, '');
  } catch (cause) {
    const code = cause instanceof Error && 'code' in cause ? String(cause.code) : String(cause);
    throw new UsageError(code === 'ENOENT' ? `no such config file: ${name}` : `cannot read ${name}: ${code}`);
  }
  const parsed = parseJson(text);
  if ('error' in parsed) {
    const at = position(lineStarts(text), parsed.error.offset);
    throw new UsageError(`${name}:${at.line}:${at.column}: ${parsed.error.message}`);
  }
  const problem = validateConfig(parsed.value);
  if (problem) throw new UsageError(`${name}: ${problem}`);
  return { path: abs, dir: dirname(abs), text, config: parsed.value as Config };
}

const LEVEL_NAMES = ['error', 'warning', 'note'] as const;
const SETTINGS = ['off', ...LEVEL_NAMES] as const;
const TOP = ['$schema', 'rules', 'failOn', 'include', 'exclude', 'bindings', 'suppressions'];

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const key = (k: string): string => `[${JSON.stringify(k)}]`;
const quoted = (values: readonly string[]): string => values.map((v) => `"${v}"`).join(', ');

/**
 * Checks a parsed config against the shape schema/s3tables-lint.schema.json describes (a test
 * keeps the two in agreement). Returns the first problem, naming the member, or undefined.
 */
export function validateConfig(value: unknown): string | undefined {
  if (!isObject(value)) return 'the config must be a JSON object';
  return (
    unknownMember(value, TOP, '') ??
    optional(value, '$schema', '$schema', nonEmptyString) ??
    optional(value, 'rules', 'rules', (v, at) => {
      if (!isObject(v)) return `${at} must be an object of rule id glob → ${quoted(SETTINGS)}`;
      for (const [k, setting] of Object.entries(v)) {
        if (k === '') return `${at} has an empty rule id glob`;
        if (!(SETTINGS as readonly unknown[]).includes(setting))
          return `${at}${key(k)} must be one of ${quoted(SETTINGS)}`;
      }
      return undefined;
    }) ??
    optional(value, 'failOn', 'failOn', (v, at) =>
      (LEVEL_NAMES as readonly unknown[]).includes(v)
        ? undefined
        : `${at} must be one of ${quoted(LEVEL_NAMES)}`,
    ) ??
    optional(value, 'include', 'include', strings) ??
    optional(value, 'exclude', 'exclude', strings) ??
    optional(value, 'bindings', 'bindings', bindings) ??
    optional(value, 'suppressions', 'suppressions', (v, at) => {
      if (!Array.isArray(v)) return `${at} must be an array`;
      for (const [i, s] of v.entries()) {
        const here = `${at}[${i}]`;
        if (!isObject(s)) return `${here} must be an object`;
        const problem =
          unknownMember(s, ['rule', 'files', 'resource', 'justification'], `${here}.`) ??
          required(s, 'rule', here) ??
          required(s, 'files', here) ??
          required(s, 'justification', here) ??
          optional(s, 'rule', `${here}.rule`, nonEmptyString) ??
          optional(s, 'files', `${here}.files`, nonEmptyString) ??
          optional(s, 'resource', `${here}.resource`, nonEmptyString) ??
          optional(s, 'justification', `${here}.justification`, (j, jat) =>
            typeof j === 'string' && j.trim() !== '' ? undefined : `${jat} must say why (a non-blank string)`,
          );
        if (problem) return problem;
      }
      return undefined;
    })
  );
}

type Check = (value: unknown, at: string) => string | undefined;

function optional(o: Obj, k: string, at: string, check: Check): string | undefined {
  return Object.prototype.hasOwnProperty.call(o, k) ? check(o[k], at) : undefined;
}

function required(o: Obj, k: string, at: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(o, k) ? undefined : `${at}.${k} is required`;
}

function unknownMember(o: Obj, allowed: readonly string[], prefix: string): string | undefined {
  const extra = Object.keys(o).find((k) => !allowed.includes(k));
  return extra === undefined
    ? undefined
    : `${prefix}${extra} is not a known member (expected one of ${allowed.join(', ')})`;
}

const nonEmptyString: Check = (v, at) =>
  typeof v === 'string' && v !== '' ? undefined : `${at} must be a non-empty string`;

const strings: Check = (v, at) => {
  if (!Array.isArray(v)) return `${at} must be an array of strings`;
  for (const [i, s] of v.entries()) {
    const problem = nonEmptyString(s, `${at}[${i}]`);
    if (problem) return problem;
  }
  return undefined;
};

const bindings: Check = (v, at) => {
  if (!isObject(v)) return `${at} must be an object`;
  return (
    unknownMember(v, ['caller', 'roles'], `${at}.`) ??
    optional(v, 'caller', `${at}.caller`, strings) ??
    optional(v, 'roles', `${at}.roles`, (roles, rat) => {
      if (!isObject(roles)) return `${rat} must be an object of role ARN or name → { policies, trust }`;
      for (const [name, role] of Object.entries(roles)) {
        const here = `${rat}${key(name)}`;
        if (name === '') return `${rat} has an empty role name`;
        if (!isObject(role)) return `${here} must be an object`;
        const problem =
          unknownMember(role, ['policies', 'trust'], `${here}.`) ??
          optional(role, 'policies', `${here}.policies`, strings) ??
          optional(role, 'trust', `${here}.trust`, nonEmptyString);
        if (problem) return problem;
        if (!('policies' in role) && !('trust' in role)) return `${here} needs policies or trust`;
      }
      return undefined;
    })
  );
};

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Applying a config to a run.

/**
 * Rule ids the config turns off, and the levels it sets. A `rules` glob or a suppression's `rule`
 * that matches no rule is an error: a typo would silently do nothing.
 */
export function ruleSettings(
  loaded: LoadedConfig | undefined,
  all: readonly Pick<Rule, 'id'>[],
  name: string,
): { off: Set<string>; levels: Map<string, Level> } {
  const off = new Set<string>();
  const levels = new Map<string, Level>();
  (loaded?.config.suppressions ?? []).forEach((s, i) => {
    if (!all.some((r) => minimatch(r.id, s.rule)))
      throw new UsageError(`${name}: suppressions[${i}].rule matches no rule`);
  });
  for (const [glob, setting] of Object.entries(loaded?.config.rules ?? {})) {
    const ids = all.filter((r) => minimatch(r.id, glob)).map((r) => r.id);
    if (ids.length === 0) throw new UsageError(`${name}: rules${key(glob)} matches no rule`);
    for (const id of ids) {
      // The last matching entry wins.
      off.delete(id);
      levels.delete(id);
      if (setting === 'off') off.add(id);
      else levels.set(id, setting);
    }
  }
  return { off, levels };
}

/** Bindings with every path absolute: the config's relative to its directory, the options' to cwd. */
export function absoluteBindings(bindings: Bindings | undefined, base: string): Bindings {
  const abs = (p: string): string => resolve(base, p);
  const out: Bindings = {};
  if (bindings?.caller) out.caller = bindings.caller.map(abs);
  if (bindings?.roles) {
    out.roles = {};
    for (const [role, b] of Object.entries(bindings.roles)) {
      out.roles[role] = {
        ...(b.policies ? { policies: b.policies.map(abs) } : {}),
        ...(b.trust ? { trust: abs(b.trust) } : {}),
      };
    }
  }
  return out;
}

/** Every file the bindings name, each with the member that names it (for error messages). */
export function boundFiles(bindings: Bindings): { path: string; member: string }[] {
  const out: { path: string; member: string }[] = [];
  (bindings.caller ?? []).forEach((path, i) => out.push({ path, member: `bindings.caller[${i}]` }));
  for (const [role, b] of Object.entries(bindings.roles ?? {})) {
    (b.policies ?? []).forEach((path, i) =>
      out.push({ path, member: `bindings.roles${key(role)}.policies[${i}]` }),
    );
    if (b.trust) out.push({ path: b.trust, member: `bindings.roles${key(role)}.trust` });
  }
  return out;
}

/** Fills `model.bindings` from absolute bindings: the documents loaded from the bound files. */
export function bindModel(model: Model, bindings: Bindings, cwd: string): void {
  const policiesOf = (path: string) => model.policies.filter((p) => resolve(cwd, p.file.name) === path);
  const roles = Object.entries(bindings.roles ?? {}).map(([role, b]) => {
    const policies = (b.policies ?? []).flatMap(policiesOf);
    const owner = role.startsWith('arn:')
      ? { kind: 'role' as const, arn: role }
      : { kind: 'role' as const, name: role };
    for (const p of policies) p.owner ??= owner;
    const candidates = b.trust ? policiesOf(b.trust) : [];
    // A get-role output holds its trust policy inside the role.
    for (const r of model.roles)
      if (b.trust && r.trust && resolve(cwd, r.file.name) === b.trust) candidates.push(r.trust);
    const trust = candidates.find((p) => p.policyType === 'trust') ?? candidates[0];
    return { role, policies, ...(trust ? { trust } : {}) };
  });
  model.bindings = { caller: (bindings.caller ?? []).flatMap(policiesOf), roles };
}

export interface Suppressed {
  /** Findings no suppression matched. */
  active: Finding[];
  /** Findings a suppression matched, each with its `suppressed` field set. */
  suppressed: Finding[];
  /** Per suppression: did it match a finding. */
  used: boolean[];
}

/** Splits findings into active and suppressed (the first matching suppression wins). */
export function applySuppressions(
  findings: readonly Finding[],
  loaded: LoadedConfig,
  model: Model,
  cwd: string,
): Suppressed {
  const list = loaded.config.suppressions ?? [];
  const used = list.map(() => false);
  const active: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const finding of findings) {
    const index = list.findIndex((s) => matches(s, finding, loaded, model, cwd));
    const s = list[index];
    if (!s) {
      active.push(finding);
      continue;
    }
    used[index] = true;
    suppressed.push({ ...finding, suppressed: { justification: s.justification } });
  }
  return { active, suppressed, used };
}

function matches(s: Suppression, f: Finding, loaded: LoadedConfig, model: Model, cwd: string): boolean {
  if (!minimatch(f.ruleId, s.rule)) return false;
  if (!minimatch(configRelative(f.file, loaded, cwd), s.files, { dot: true })) return false;
  if (s.resource === undefined) return true;
  const pattern = arnPattern(s.resource);
  return resourcesOf(f, model).some((arn) => pattern.test(arn));
}

/** A finding's file as a path relative to the config file's directory (forward slashes). */
export function configRelative(file: string, loaded: LoadedConfig, cwd: string): string {
  return toPosix(relative(loaded.dir, resolve(cwd, file)));
}

/** ARN wildcards as IAM writes them: `*` any run of characters, `?` one; case-sensitive. */
function arnPattern(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}

/**
 * The ARNs a finding is about: the strings at and under its JSON path, and the subject of the
 * document it is in (the replication's source table or bucket, the role, the policy's owner).
 */
function resourcesOf(f: Finding, model: Model): string[] {
  const trusts = model.roles.flatMap((r) => (r.trust ? [r.trust] : []));
  const docs: Doc[] = [...model.replications, ...model.policies, ...trusts, ...model.roles];
  let doc: Doc | undefined;
  for (const d of docs) {
    if (d.file.name !== f.file || d.root.length > f.path.length) continue;
    if (!d.root.every((seg, i) => seg === f.path[i])) continue;
    if (!doc || d.root.length > doc.root.length) doc = d;
  }
  if (!doc) return [];
  const out: string[] = [];
  let node: unknown = doc.data;
  for (const seg of f.path.slice(doc.root.length)) {
    node =
      isObject(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[seg] : undefined;
  }
  collectStrings(node, out);
  if (doc.kind === 'replication' && isObject(doc.data)) {
    for (const k of ['tableArn', 'tableBucketARN']) {
      const v = doc.data[k];
      if (typeof v === 'string') out.push(v);
    }
  } else if (doc.kind === 'role' && doc.arn) {
    out.push(doc.arn);
  } else if (doc.kind === 'policy') {
    if (doc.owner?.arn) out.push(doc.owner.arn);
    if (doc.policyArn) out.push(doc.policyArn);
  }
  return out;
}

function collectStrings(value: unknown, out: string[]): void {
  const stack = [value];
  while (stack.length > 0 && out.length < 10_000) {
    const v = stack.pop();
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) stack.push(...v);
    else if (isObject(v)) stack.push(...Object.values(v));
  }
}

/**
 * Which suppressions to report as unused. One is judged only when a rule it names ran; when every
 * input was named explicitly (pre-commit passes only the changed files), also only when its
 * `files` glob matches one of them, so a suppression for a file not in this run is not "unused".
 */
export function unusedSuppressions(
  loaded: LoadedConfig,
  used: readonly boolean[],
  ran: readonly Pick<Rule, 'id'>[],
  model: Model,
  cwd: string,
): number[] {
  const onlyNamed = model.files.every((f) => f.explicit);
  const files = model.files.map((f) => configRelative(f.name, loaded, cwd));
  const out: number[] = [];
  (loaded.config.suppressions ?? []).forEach((s, i) => {
    if (used[i]) return;
    if (!ran.some((r) => minimatch(r.id, s.rule))) return;
    if (onlyNamed && !files.some((f) => minimatch(f, s.files, { dot: true }))) return;
    out.push(i);
  });
  return out;
}
