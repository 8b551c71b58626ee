import type { Finding, Level, LintResult, NotRun } from '../result.js';
import { escapeControl, logLine } from './escape.js';

export interface TextOptions {
  color: boolean;
  /** Print each finding's explanation (`--explain`). */
  explain?: boolean;
}

const COLORS: Record<Level, string> = { error: '\u001b[31m', warning: '\u001b[33m', note: '\u001b[36m' };
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

export interface ColorContext {
  /** `--no-color` was given. */
  noColor: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** Standard output is a terminal. */
  isTTY: boolean;
  /** The report goes to a file (`--output`). */
  toFile: boolean;
}

/**
 * Colour only on a terminal. Never with `--no-color`, a non-empty `NO_COLOR` (no-color.org), into a
 * file, or on `TERM=dumb`. `FORCE_COLOR` (any value but `0`/`false`) turns it on where standard output
 * is not a terminal (CI logs); `FORCE_COLOR=0` turns it off. `--no-color` and `NO_COLOR` win.
 */
export function useColor(c: ColorContext): boolean {
  if (c.noColor || c.toFile || (c.env['NO_COLOR'] ?? '') !== '') return false;
  const force = c.env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return c.isTTY && c.env['TERM'] !== 'dumb';
}

/**
 * `file:line:col level rule-id message`, then the fix to paste, then a summary line, then one
 * `not checked:` line per reason a check did not run (a silent pass is the worst outcome).
 */
export function text(
  result: Pick<LintResult, 'findings'> & Partial<Pick<LintResult, 'notRun'>>,
  options: TextOptions,
): string {
  const findings = result.findings;
  const paint = (code: string, s: string): string => (options.color ? `${code}${s}${RESET}` : s);
  const lines: string[] = [];
  for (const f of findings) {
    // Everything from input is escaped (a file name, a policy value): no line can be forged.
    lines.push(
      `${logLine(f.file)}:${f.line}:${f.column} ${paint(COLORS[f.level], f.level)} ${paint(DIM, f.ruleId)} ${escapeControl(f.message)}${f.logicalLocation !== undefined ? ` [${escapeControl(f.logicalLocation)}]` : ''}`,
    );
    if (options.explain && f.explain) for (const e of f.explain) lines.push(logLine(`    ${e}`));
    if (f.fix) {
      lines.push(logLine(`  fix: ${f.fix.description}`));
      for (const l of JSON.stringify(f.fix.value, null, 2).split('\n')) lines.push(logLine(`    ${l}`));
    }
  }
  if (findings.length > 0) lines.push(summary(findings));
  for (const l of notChecked(result.notRun ?? [])) lines.push(paint(DIM, logLine(`not checked: ${l}`)));
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/**
 * The checks that did not run, one line per reason (`rule-a, rule-b: reason`): rules that skip
 * for the same reason share a line. Control characters from input (file names) are escaped.
 */
export function notChecked(notRun: readonly NotRun[]): string[] {
  const byReason = new Map<string, string[]>();
  for (const { rule, reason } of notRun) {
    const rules = byReason.get(reason) ?? [];
    if (!rules.includes(rule)) rules.push(rule);
    byReason.set(reason, rules);
  }
  return [...byReason].map(([reason, rules]) => escapeControl(`${rules.join(', ')}: ${reason}`));
}

export function summary(findings: readonly Finding[]): string {
  const count = (level: Level): number => findings.filter((f) => f.level === level).length;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(findings.length, 'problem')} (${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${plural(count('note'), 'note')})`;
}
