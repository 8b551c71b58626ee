/**
 * The suppression stage: splits the engine's findings into active and suppressed by the config's
 * `suppressions`, and reports the suppressions that matched nothing (`unused-suppression`).
 */
import { relative, resolve } from 'node:path';
import type { LoadedConfig, Suppression } from './config.js';
import { finish } from './engine.js';
import { globMatch } from './load/glob.js';
import { JsonFile } from './load/json.js';
import type { Doc, Model } from './model.js';
import { displayName } from './plan.js';
import type { Finding, Level } from './result.js';
import type { Rule } from './rule.js';
import { toPosix } from './load/files.js';
import { globMatchCodeUnits } from './iam/match.js';
import { isObject } from './values.js';

/** The rule whose findings this stage emits. */
export const UNUSED_SUPPRESSION = 'unused-suppression';

export interface SuppressionOutcome {
  /** Findings no suppression matched, with the stage's own (`unused-suppression`) added. */
  active: Finding[];
  /** Findings a suppression matched, each with its `suppressed` field set. */
  suppressed: Finding[];
}

/** Applies the config's suppressions; `rules` are the rules that ran (the stage's own among them when selected). */
export function suppress(
  findings: readonly Finding[],
  loaded: LoadedConfig,
  model: Model,
  rules: readonly Rule[],
  levels: ReadonlyMap<string, Level>,
  cwd: string,
): SuppressionOutcome {
  const split = applySuppressions(findings, loaded, model, cwd);
  const own = rules.find((r) => r.id === UNUSED_SUPPRESSION);
  if (!own) return { active: split.active, suppressed: split.suppressed };
  const file = new JsonFile(displayName(loaded.path, cwd), loaded.text, true);
  const doc: Doc = { kind: 'file', file, root: [], data: loaded.config };
  const list = loaded.config.suppressions ?? [];
  const ran = rules.filter((r) => r.id !== UNUSED_SUPPRESSION);
  const raw = unusedSuppressions(loaded, split.used, ran, model, cwd).map((index) => {
    const s = list[index] as Suppression;
    return {
      rule: own.id,
      level: own.level,
      report: {
        doc,
        path: ['suppressions', index],
        message: `suppression of ${s.rule} in ${s.files} matches no finding; remove it (or fix its rule, files or resource)`,
      },
    };
  });
  return { active: [...split.active, ...finish(raw, levels)], suppressed: split.suppressed };
}

interface Suppressed {
  /** Findings no suppression matched. */
  active: Finding[];
  /** Findings a suppression matched, each with its `suppressed` field set. */
  suppressed: Finding[];
  /** Per suppression: did it match a finding. */
  used: boolean[];
}

/** Splits findings into active and suppressed (the first matching suppression wins). */
function applySuppressions(
  findings: readonly Finding[],
  loaded: LoadedConfig,
  model: Model,
  cwd: string,
): Suppressed {
  const list = loaded.config.suppressions ?? [];
  const used = list.map(() => false);
  const active: Finding[] = [];
  const suppressed: Finding[] = [];
  let byFile: Map<string, Doc[]> | undefined;
  const docsByFile = (): Map<string, Doc[]> => (byFile ??= indexDocs(model));
  for (const finding of findings) {
    const index = list.findIndex((s) => matches(s, finding, loaded, docsByFile, cwd));
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

function matches(
  s: Suppression,
  f: Finding,
  loaded: LoadedConfig,
  docsByFile: () => ReadonlyMap<string, Doc[]>,
  cwd: string,
): boolean {
  if (!globMatch(f.ruleId, s.rule, 'suppression rule')) return false;
  if (!globMatch(configRelative(f.file, loaded, cwd), s.files, 'suppression files', { dot: true }))
    return false;
  if (s.resource === undefined) return true;
  const pattern = arnPattern(s.resource);
  return resourcesOf(f, docsByFile()).some((arn) => pattern.test(arn));
}

/** The documents that findings can be about, by file name (built once, when a suppression names a resource). */
function indexDocs(model: Model): Map<string, Doc[]> {
  const out = new Map<string, Doc[]>();
  const trusts = model.roles.flatMap((r) => (r.trust ? [r.trust] : []));
  for (const d of [...model.replications, ...model.policies, ...trusts, ...model.roles]) {
    const list = out.get(d.file.name);
    if (list) list.push(d);
    else out.set(d.file.name, [d]);
  }
  return out;
}

/** A finding's file as a path relative to the config file's directory (forward slashes). */
export function configRelative(file: string, loaded: LoadedConfig, cwd: string): string {
  return toPosix(relative(loaded.dir, resolve(cwd, file)));
}

/** ARN wildcards as IAM writes them: `*` any run of characters, `?` one; case-sensitive; linear time. */
function arnPattern(glob: string): { test(arn: string): boolean } {
  return { test: (arn) => globMatchCodeUnits(glob, arn) };
}

/**
 * The ARNs a finding is about: the strings at and under its JSON path, and the subject of the
 * document it is in (the replication's source table or bucket, the role, the policy's owner).
 */
function resourcesOf(f: Finding, docs: ReadonlyMap<string, Doc[]>): string[] {
  let doc: Doc | undefined;
  for (const d of docs.get(f.file) ?? []) {
    if (d.root.length > f.path.length) continue;
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
function unusedSuppressions(
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
    if (!ran.some((r) => globMatch(r.id, s.rule, 'suppression rule'))) return;
    if (onlyNamed && !files.some((f) => globMatch(f, s.files, 'suppression files', { dot: true }))) return;
    out.push(i);
  });
  return out;
}
