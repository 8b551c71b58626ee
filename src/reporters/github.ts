import type { Finding, Level, LintResult } from '../result.js';
import { escapeControl, escapeData, escapeProperty } from './escape.js';
import { notChecked, summary } from './text.js';

export { escapeData, escapeProperty };

/** GitHub Actions annotation commands per level (`note` is GitHub's `notice`). */
const COMMANDS: Record<Level, string> = { error: 'error', warning: 'warning', note: 'notice' };

/**
 * GitHub Actions workflow commands: one `::error file=…,line=…::message` line per finding, which the
 * runner turns into annotations on the pull request, then the summary line (plain log text), then a
 * `::notice` per reason a check did not run.
 */
export function github(result: Pick<LintResult, 'findings'> & Partial<Pick<LintResult, 'notRun'>>): string {
  const lines = result.findings.map(annotation);
  if (result.findings.length > 0) lines.push(summary(result.findings));
  // Checks that did not run: a notice each (no file), so a skipped check shows on the run's summary.
  for (const l of notChecked(result.notRun ?? []))
    lines.push(`::notice title=${escapeProperty('s3tables-lint: not checked')}::${escapeData(l)}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function annotation(f: Finding): string {
  const props: [string, string | number][] = [
    ['file', escapeControl(f.file)],
    ['line', f.line],
    ['col', f.column],
    ['endLine', f.endLine],
    ['endColumn', f.endColumn],
    ['title', f.logicalLocation !== undefined ? `${f.ruleId} (${f.logicalLocation})` : f.ruleId],
  ];
  // Input-derived parts lose their control characters; the line breaks we put in are %0A.
  const fix = f.fix
    ? `\nfix: ${escapeControl(f.fix.description)}\n${JSON.stringify(f.fix.value, null, 2).split('\n').map(escapeControl).join('\n')}`
    : '';
  const list = props.map(([k, v]) => `${k}=${escapeProperty(escapeControl(String(v)))}`).join(',');
  return `::${COMMANDS[f.level]} ${list}::${escapeData(escapeControl(f.message) + fix)}`;
}
