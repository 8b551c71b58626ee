import type { Finding, Level, LintResult } from '../result.js';
import { withSuppressed } from './sarif.js';

/**
 * Every field of every finding, in the engine's stable order, with a fixed key order so the output
 * diffs cleanly; optional fields (`fix`, `explain`, `suppressed`) appear only when set. Suppressed
 * findings are included, marked; `summary` counts only the others (what the exit code counts).
 */
export function json(result: LintResult): string {
  const count = (level: Level): number => result.findings.filter((f) => f.level === level).length;
  const out = {
    tool: {
      name: result.tool.name,
      version: result.tool.version,
      informationUri: result.tool.informationUri,
      data: result.tool.data,
    },
    files: result.files,
    crashed: result.crashed,
    summary: { errors: count('error'), warnings: count('warning'), notes: count('note') },
    findings: withSuppressed(result).map(ordered),
    notRun: result.notRun.map(({ rule, reason }) => ({ rule, reason })),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

function ordered(f: Finding): Finding {
  const out: Finding = {
    ruleId: f.ruleId,
    level: f.level,
    message: f.message,
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    path: f.path,
    fingerprint: f.fingerprint,
  };
  if (f.logicalLocation !== undefined) out.logicalLocation = f.logicalLocation;
  if (f.fix) out.fix = { description: f.fix.description, value: f.fix.value };
  if (f.explain) out.explain = f.explain;
  if (f.suppressed) out.suppressed = { justification: f.suppressed.justification };
  return out;
}
