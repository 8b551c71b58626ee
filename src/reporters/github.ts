import type { Finding, Level, LintResult } from '../result.js';
import { summary } from './text.js';

/** GitHub Actions annotation commands per level (`note` is GitHub's `notice`). */
const COMMANDS: Record<Level, string> = { error: 'error', warning: 'warning', note: 'notice' };

/** Escaping of a command's message, as GitHub's runner reads it (actions/toolkit `escapeData`). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping of a property value: the message's, plus the `:` and `,` that delimit properties. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * GitHub Actions workflow commands: one `::error file=…,line=…::message` line per finding, which the
 * runner turns into annotations on the pull request, then the summary line (plain log text).
 */
export function github(result: Pick<LintResult, 'findings'>): string {
  const lines = result.findings.map(annotation);
  if (result.findings.length > 0) lines.push(summary(result.findings));
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function annotation(f: Finding): string {
  const props: [string, string | number][] = [
    ['file', f.file],
    ['line', f.line],
    ['col', f.column],
    ['endLine', f.endLine],
    ['endColumn', f.endColumn],
    ['title', f.ruleId],
  ];
  const fix = f.fix ? `\nfix: ${f.fix.description}\n${JSON.stringify(f.fix.value, null, 2)}` : '';
  const list = props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
  return `::${COMMANDS[f.level]} ${list}::${escapeData(f.message + fix)}`;
}
