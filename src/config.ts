import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { UsageError } from './errors.js';
import { globProblem, showGlob } from './load/glob.js';
import { parseJson } from './load/json.js';
import { lineStarts, position } from './text.js';
import { fileProblem, toPosix } from './load/files.js';
import type { Level } from './result.js';

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
  /** The role's permissions boundary (a policy file: bare, or get-policy-version output). */
  boundary?: string;
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
  /** The caller's permissions boundary (a policy file). */
  callerBoundary?: string;
}

/** Values for request-context keys; `null` states that the key is absent. */
export type ContextValues = Record<string, string | string[] | null>;

/**
 * What the linter cannot know about the requests replication makes (aws:PrincipalOrgID,
 * aws:SourceVpce, tags on the role): for every call, the caller's, the replication role's.
 */
export interface ContextConfig {
  all?: ContextValues;
  caller?: ContextValues;
  role?: ContextValues;
}

/** SCPs or RCPs attached at one level (root, OU or account) above some accounts. */
export interface OrgLevelConfig {
  /** The 12-digit accounts below this level. */
  accounts: string[];
  /** Policy files attached at this level (bare, or `aws organizations describe-policy` output). */
  policies: string[];
}

export interface OrganizationConfig {
  scps?: OrgLevelConfig[];
  rcps?: OrgLevelConfig[];
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
  /** `none`: findings never fail the run (report only). */
  failOn?: Level | 'none';
  /** Fail when there are more warnings than this (ESLint's --max-warnings). */
  maxWarnings?: number;
  /** Globs for directory scans (replace the default `**\/*.json`). */
  include?: string[];
  /** Globs for directory scans (added to the defaults: `DEFAULT_EXCLUDE`). */
  exclude?: string[];
  bindings?: Bindings;
  context?: ContextConfig;
  organization?: OrganizationConfig;
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
export function findConfig(cwd: string, searched: string[] = []): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    searched.push(dir);
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
  const notFile = fileProblem(abs, name);
  if (notFile?.startsWith('no such file')) throw new UsageError(`no such config file: ${name}`);
  if (notFile) throw new UsageError(`config file ${notFile}`);
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
const TOP = [
  '$schema',
  'rules',
  'failOn',
  'maxWarnings',
  'include',
  'exclude',
  'bindings',
  'context',
  'organization',
  'suppressions',
];

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const key = (k: string): string => `[${JSON.stringify(k)}]`;
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
        const bad = globProblem(k);
        if (bad) return `${at}[${showGlob(k)}]: ${bad}`;
        if (!(SETTINGS as readonly unknown[]).includes(setting))
          return `${at}${key(k)} must be one of ${quoted(SETTINGS)}`;
      }
      return undefined;
    }) ??
    optional(value, 'failOn', 'failOn', (v, at) =>
      ([...LEVEL_NAMES, 'none'] as readonly unknown[]).includes(v)
        ? undefined
        : `${at} must be one of ${quoted([...LEVEL_NAMES, 'none'])}`,
    ) ??
    optional(value, 'maxWarnings', 'maxWarnings', (v, at) =>
      Number.isInteger(v) && (v as number) >= -1
        ? undefined
        : `${at} must be a whole number, 0 or more (-1: no limit)`,
    ) ??
    optional(value, 'include', 'include', globs) ??
    optional(value, 'exclude', 'exclude', globs) ??
    optional(value, 'bindings', 'bindings', bindings) ??
    optional(value, 'context', 'context', contextConfig) ??
    optional(value, 'organization', 'organization', organization) ??
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
          optional(s, 'rule', `${here}.rule`, glob) ??
          optional(s, 'files', `${here}.files`, glob) ??
          optional(s, 'resource', `${here}.resource`, arnGlob) ??
          optional(s, 'justification', `${here}.justification`, (j, jat) =>
            typeof j === 'string' && VISIBLE.test(j)
              ? undefined
              : `${jat} must say why (visible text, not only blanks)`,
          );
        if (problem) return problem;
      }
      return undefined;
    })
  );
}

type Check = (value: unknown, at: string) => string | undefined;

/**
 * A character that shows: not a blank, control, format (U+200B, U+2060, U+FEFF, U+00AD), separator
 * or lone combining mark, nor a filler that renders empty (Hangul fillers, the blank braille cell).
 * The schema's `justification.pattern` is the same class.
 */
const VISIBLE = /[^\s\p{Cc}\p{Cf}\p{Z}\p{M}\u115F\u1160\u3164\uFFA0\u2800]/u;

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

/** Globs are bounded (src/load/glob.ts): a bad one is named here, before any is compiled. */
const glob: Check = (v, at) => {
  const problem = nonEmptyString(v, at) ?? globProblem(v as string);
  return problem === undefined || problem.startsWith(at) ? problem : `${at}: ${problem}`;
};
const globs: Check = (v, at) =>
  strings(v, at) ?? (v as string[]).map((g, i) => glob(g, `${at}[${i}]`)).find((p) => p !== undefined);

/** ARNs are at most 2048 characters; so is a pattern over them. */
const MAX_ARN_GLOB = 2048;
const arnGlob: Check = (v, at) =>
  nonEmptyString(v, at) ??
  ((v as string).length > MAX_ARN_GLOB
    ? `${at}: the pattern is ${(v as string).length} characters long; at most ${MAX_ARN_GLOB} are allowed (an ARN's length)`
    : undefined);

const bindings: Check = (v, at) => {
  if (!isObject(v)) return `${at} must be an object`;
  return (
    unknownMember(v, ['caller', 'roles', 'callerBoundary'], `${at}.`) ??
    optional(v, 'caller', `${at}.caller`, strings) ??
    optional(v, 'callerBoundary', `${at}.callerBoundary`, nonEmptyString) ??
    optional(v, 'roles', `${at}.roles`, (roles, rat) => {
      if (!isObject(roles)) return `${rat} must be an object of role ARN or name → { policies, trust }`;
      for (const [name, role] of Object.entries(roles)) {
        const here = `${rat}${key(name)}`;
        if (name === '') return `${rat} has an empty role name`;
        if (!isObject(role)) return `${here} must be an object`;
        const problem =
          unknownMember(role, ['policies', 'trust', 'boundary'], `${here}.`) ??
          optional(role, 'policies', `${here}.policies`, strings) ??
          optional(role, 'trust', `${here}.trust`, nonEmptyString) ??
          optional(role, 'boundary', `${here}.boundary`, nonEmptyString);
        if (problem) return problem;
        if (!('policies' in role) && !('trust' in role) && !('boundary' in role))
          return `${here} needs policies, trust or boundary`;
      }
      return undefined;
    })
  );
};

/** A condition key: `prefix:name`, as IAM spells them. */
const CONTEXT_KEY = /^[A-Za-z0-9.-]+:[^\s]+$/;

const contextValues: Check = (v, at) => {
  if (!isObject(v))
    return `${at} must be an object of condition key → value, list of values, or null (absent)`;
  for (const [k, value] of Object.entries(v)) {
    const here = `${at}${key(k)}`;
    if (!CONTEXT_KEY.test(k)) return `${at} has "${k}", which is not a condition key (prefix:name)`;
    if (value === null || (typeof value === 'string' && value !== '')) continue;
    if (Array.isArray(value) && value.every((x) => typeof x === 'string' && x !== '')) continue;
    return `${here} must be a non-empty string, an array of them, or null (the key is absent)`;
  }
  return undefined;
};

const contextConfig: Check = (v, at) => {
  if (!isObject(v)) return `${at} must be an object with all, caller or role`;
  return (
    unknownMember(v, ['all', 'caller', 'role'], `${at}.`) ??
    optional(v, 'all', `${at}.all`, contextValues) ??
    optional(v, 'caller', `${at}.caller`, contextValues) ??
    optional(v, 'role', `${at}.role`, contextValues)
  );
};

const orgLevels: Check = (v, at) => {
  if (!Array.isArray(v)) return `${at} must be an array of { accounts, policies }`;
  for (const [i, level] of v.entries()) {
    const here = `${at}[${i}]`;
    if (!isObject(level)) return `${here} must be an object`;
    const problem =
      unknownMember(level, ['accounts', 'policies'], `${here}.`) ??
      required(level, 'accounts', here) ??
      required(level, 'policies', here) ??
      optional(level, 'accounts', `${here}.accounts`, (a, aat) => {
        if (!Array.isArray(a) || a.length === 0)
          return `${aat} must be a non-empty array of 12-digit account IDs`;
        const bad = a.findIndex((x) => typeof x !== 'string' || !/^\d{12}$/.test(x));
        return bad === -1 ? undefined : `${aat}[${bad}] must be a 12-digit account ID`;
      }) ??
      optional(level, 'policies', `${here}.policies`, (p, pat) =>
        Array.isArray(p) && p.length === 0 ? `${pat} must name at least one policy file` : strings(p, pat),
      );
    if (problem) return problem;
  }
  return undefined;
};

const organization: Check = (v, at) => {
  if (!isObject(v)) return `${at} must be an object with scps or rcps`;
  return (
    unknownMember(v, ['scps', 'rcps'], `${at}.`) ??
    optional(v, 'scps', `${at}.scps`, orgLevels) ??
    optional(v, 'rcps', `${at}.rcps`, orgLevels)
  );
};

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
