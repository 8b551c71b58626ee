/**
 * Runs the selected rules over the linked model: whole-model checks, then one pass over the
 * policies for the rules' policy visitors (each policy normalised once). A crashing rule becomes
 * a finding that names what it was checking; the others still report. Turns reports into
 * findings: located by the file's own locator, re-levelled by the plan, fingerprinted, deduplicated.
 */
import type * as Crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { crashSite } from './errors.js';
import { normalize } from './iam/policy.js';
import type { Doc, Model, Path, SourceFile } from './model.js';
import { RULE_ERROR, type Finding, type Level } from './result.js';
import type { Report, Rule, RuleContext } from './rule.js';
import { lineStarts, region } from './text.js';
import { pathLabel } from './values.js';

export interface RunOptions {
  /** Levels that replace rules' levels (the config's `rules`). */
  levels?: ReadonlyMap<string, Level>;
  /** Told when a rule says part of its check could not run. */
  skip?: (rule: string, reason: string) => void;
}

export interface RunResult {
  /** Deduplicated, in no particular order (the caller sorts once, after suppression). */
  findings: Finding[];
  /** A rule crashed: the run is incomplete and must exit 2. */
  crashed: boolean;
}

interface Raw {
  rule: string;
  level: Level;
  report: Report;
}

export async function run(
  model: Model,
  rules: readonly Rule[],
  options: RunOptions = {},
): Promise<RunResult> {
  const raw: Raw[] = [];
  let crashed = false;
  const contextOf = (rule: Rule): RuleContext => ({
    model,
    report: (report) => void raw.push({ rule: rule.id, level: report.level ?? rule.level, report }),
    skip: (reason) => options.skip?.(rule.id, reason),
  });
  const crash = (rule: Rule, cause: unknown, doc?: Doc, path: Path = []): void => {
    crashed = true;
    const file: SourceFile = doc?.file ?? model.files[0] ?? NO_FILE;
    const what = doc
      ? ` while checking ${file.name}${doc.root.length > 0 ? ` (${pathLabel(doc.root)})` : ''}`
      : '';
    raw.push({
      rule: RULE_ERROR.id,
      level: 'error',
      report: {
        doc: doc ?? { kind: 'file', file, root: [], data: undefined },
        path,
        message: `rule ${rule.id} failed${what}: ${cause instanceof Error ? cause.message : String(cause)}; its findings are missing (please report this)`,
        key: rule.id,
      },
    });
  };

  for (const rule of rules) {
    if (!rule.check) continue;
    try {
      await rule.check(contextOf(rule));
    } catch (cause) {
      // Where the evaluator was, when the error passed through it (tagCrash, src/errors.ts).
      const site = crashSite(cause);
      crash(rule, cause, site?.doc, site?.path);
    }
  }

  const visitors = rules
    .filter((r) => r.policy)
    .map((rule) => ({ rule, ctx: contextOf(rule), failed: false }));
  if (visitors.length > 0) {
    for (const doc of model.policies) {
      // Not cached: 10,000 policies do not stay in memory as statements.
      const statements = normalize(doc);
      for (const v of visitors) {
        // A crash is that rule's alone, and ends its pass; the others still report.
        if (v.failed) continue;
        try {
          v.rule.policy?.({ doc, statements }, v.ctx);
        } catch (cause) {
          v.failed = true;
          crash(v.rule, cause, doc);
        }
      }
    }
  }
  return { findings: finish(raw, options.levels), crashed };
}

const NO_FILE: SourceFile = {
  name: '<none>',
  text: '',
  explicit: true,
  locate: () => ({ offset: 0, length: 0 }),
};

const starts = new WeakMap<SourceFile, number[]>();

/** Reports as findings (exported for the stages after the engine: suppression reports too). */
export function finish(raw: readonly Raw[], levels?: ReadonlyMap<string, Level>): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const { rule, level, report: reported } of raw) {
    const report = rendered(reported);
    const { doc, path, message } = embedded(report);
    const file = doc.file;
    // A loader that renamed members (CloudFormation, Terraform) maps the path back to the file's.
    const fullPath = [...doc.root, ...(doc.filePath ? doc.filePath(path) : path)];
    const located = report.range ?? file.locate(fullPath);
    // Locators read input: a range outside the text must not become column 0 or a line past the end.
    const offset = Math.min(Math.max(located.offset, 0), file.text.length);
    const length = Math.max(located.length, 0);
    let lines = starts.get(file);
    if (!lines) starts.set(file, (lines = lineStarts(file.text)));
    const finding: Finding = {
      ruleId: rule,
      level: levels?.get(rule) ?? level,
      message,
      file: file.name,
      ...region(lines, offset, length),
      path: fullPath,
      fingerprint: fingerprint(rule, file.name, fullPath, report.key ?? message),
    };
    if (doc.logicalLocation !== undefined) finding.logicalLocation = doc.logicalLocation;
    if (report.fix) finding.fix = report.fix;
    if (report.explain) finding.explain = report.explain;
    const key = `${finding.fingerprint}\u0000${finding.line}:${finding.column}`;
    if (!byKey.has(key)) byKey.set(key, finding);
  }
  return [...byKey.values()];
}

/** Messages and fixes in the file's own notation for placeholders (see SourceFile.render). */
function rendered(report: Report): Report {
  const render = report.doc.file.render;
  if (!render) return report;
  const deep = (v: unknown): unknown =>
    typeof v === 'string'
      ? render(v)
      : Array.isArray(v)
        ? v.map(deep)
        : typeof v === 'object' && v !== null
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)]))
          : v;
  const out: Report = { ...report, message: render(report.message) };
  if (report.fix) out.fix = { description: render(report.fix.description), value: deep(report.fix.value) };
  if (report.explain) out.explain = report.explain.map(render);
  return out;
}

/**
 * A policy embedded as a string (URL-encoded, or a bucket policy's JSON text) has no positions
 * inside it: point at the string and name the inner path in the message.
 */
function embedded(report: Report): { doc: Doc; path: Path; message: string } {
  const { doc, path, message } = report;
  if (doc.kind !== 'policy' || !doc.encoded || path.length === 0) return { doc, path, message };
  return { doc, path: [], message: `${message} (at ${pathLabel(path)} in the embedded policy string)` };
}

// node:crypto costs several milliseconds to load; a clean run never needs it.
let cryptoModule: typeof Crypto | undefined;
const crypto = (): typeof Crypto =>
  (cryptoModule ??= createRequire(import.meta.url)('node:crypto') as typeof Crypto);

/** Stable across line shifts: no line numbers, only the path and the finding's identity. */
function fingerprint(rule: string, file: string, path: Path, key: string): string {
  return crypto()
    .createHash('sha256')
    .update(JSON.stringify([rule, file, path, key]))
    .digest('hex')
    .slice(0, 32);
}
