import type * as Crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { minimatch } from 'minimatch';
import { UsageError } from './errors.js';
import { buildTree, lineStarts, locate, region } from './load/json.js';
import type { Model, SourceFile } from './model.js';
import type { Finding, Level, Report, Rule } from './rule.js';

export interface Selection {
  /** Globs over rule ids; when given, only matching rules run. */
  rule?: readonly string[];
  /** Globs over rule ids to leave out. */
  skip?: readonly string[];
}

/** Picks rules by id globs; a glob that matches no rule is a usage error (a typo would hide a check). */
export function selectRules(all: readonly Rule[], selection: Selection): Rule[] {
  const match = (id: string, globs: readonly string[]): boolean => globs.some((g) => minimatch(id, g));
  for (const glob of [...(selection.rule ?? []), ...(selection.skip ?? [])]) {
    if (!all.some((r) => minimatch(r.id, glob))) throw new UsageError(`no rule matches "${glob}"`);
  }
  return all.filter(
    (r) =>
      (!selection.rule?.length || match(r.id, selection.rule)) &&
      !(selection.skip && match(r.id, selection.skip)),
  );
}

/** The pseudo-rule a crashing rule's finding carries. */
export const RULE_ERROR: Omit<Rule, 'check'> = {
  id: 'rule-error',
  description: 'A rule failed while checking the inputs; its results are missing.',
  level: 'error',
  helpUri: 'https://github.com/s3tables-lint/s3tables-lint#exit-codes',
};

export interface RunResult {
  findings: Finding[];
  /** A rule crashed: the run is incomplete and must exit 2. */
  crashed: boolean;
}

export async function run(
  model: Model,
  rules: readonly Rule[],
  skip: (rule: string, reason: string) => void = () => {},
): Promise<RunResult> {
  const raw: { rule: string; level: Level; report: Report }[] = [];
  let crashed = false;
  for (const rule of rules) {
    const ctx = {
      model,
      report: (report: Report) => raw.push({ rule: rule.id, level: report.level ?? rule.level, report }),
      skip: (reason: string) => skip(rule.id, reason),
    };
    try {
      await rule.check(ctx);
    } catch (cause) {
      crashed = true;
      const file = model.files[0] ?? { name: '<none>', text: '', explicit: true };
      raw.push({
        rule: RULE_ERROR.id,
        level: 'error',
        report: {
          doc: { kind: 'file', file, root: [], data: undefined },
          path: [],
          message: `rule ${rule.id} failed: ${cause instanceof Error ? cause.message : String(cause)}; its findings are missing (please report this)`,
          key: rule.id,
        },
      });
    }
  }
  return { findings: finish(raw), crashed };
}

const starts = new WeakMap<SourceFile, number[]>();

function finish(raw: { rule: string; level: Level; report: Report }[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const { rule, level, report } of raw) {
    const file = report.doc.file;
    const fullPath = [...report.doc.root, ...report.path];
    let offset: number;
    let length: number;
    if (report.range) {
      ({ offset, length } = report.range);
    } else {
      if (file.tree === undefined) file.tree = buildTree(file.text);
      ({ offset, length } = locate(file.tree, fullPath));
    }
    let lines = starts.get(file);
    if (!lines) starts.set(file, (lines = lineStarts(file.text)));
    const finding: Finding = {
      ruleId: rule,
      level,
      message: report.message,
      file: file.name,
      ...region(lines, offset, length),
      path: fullPath,
      fingerprint: fingerprint(rule, file.name, fullPath, report.key ?? report.message),
    };
    if (report.fix) finding.fix = report.fix;
    if (report.explain) finding.explain = report.explain;
    const key = `${finding.fingerprint}\u0000${finding.line}:${finding.column}`;
    if (!byKey.has(key)) byKey.set(key, finding);
  }
  return [...byKey.values()].sort(compare);
}

// node:crypto costs several milliseconds to load; a clean run never needs it.
let cryptoModule: typeof Crypto | undefined;
const crypto = (): typeof Crypto =>
  (cryptoModule ??= createRequire(import.meta.url)('node:crypto') as typeof Crypto);

/** Stable across line shifts: no line numbers, only the JSON path and the finding's identity. */
function fingerprint(rule: string, file: string, path: readonly (string | number)[], key: string): string {
  return crypto()
    .createHash('sha256')
    .update(JSON.stringify([rule, file, path, key]))
    .digest('hex')
    .slice(0, 32);
}

export function compare(a: Finding, b: Finding): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}
