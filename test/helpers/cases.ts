import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE, loadConfig } from '../../src/config.js';
import { lint, type LintOptions, type LintResult } from '../../src/lint.js';
import registry from '../../rules/index.js';
import { text } from '../../src/reporters/text.js';
import type { Rule } from '../../src/rule.js';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const UPDATE = process.env['UPDATE_EXPECTED'] === '1';

/** Sub-folders of a folder, sorted; [] when it does not exist. */
export function folders(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort();
}

/**
 * A fixture case's optional case.json: which paths to lint (default '.'), extra lint options, and
 * rule ids to run along with the rule under test (for rules about other rules' findings). A
 * `.s3tables-lint.json` in the case folder is used as the config file.
 */
interface CaseSpec {
  paths?: string[];
  options?: Omit<LintOptions, 'cwd' | 'rules' | 'config'>;
  with?: string[];
  /**
   * Rules a valid case expects to say `not checked` (a check whose input the case deliberately
   * leaves out). Any other skip fails the case: a valid case must not pass by not running.
   */
  notChecked?: string[];
}

/** Lints one case folder with the given rules; returns the text report (no colour). */
export async function runCase(dir: string, rules: readonly Rule[]): Promise<string> {
  return text(await lintCase(dir, rules), { color: false });
}

/** The case's declared `notChecked` rule ids (sorted). */
export function declaredNotChecked(dir: string): string[] {
  const specFile = join(dir, 'case.json');
  const spec: CaseSpec = existsSync(specFile) ? (JSON.parse(readFileSync(specFile, 'utf8')) as CaseSpec) : {};
  return [...(spec.notChecked ?? [])].sort();
}

/** Lints one case folder with the given rules (and the case's `with` rules and config). */
export async function lintCase(dir: string, rules: readonly Rule[]): Promise<LintResult> {
  const specFile = join(dir, 'case.json');
  const spec: CaseSpec = existsSync(specFile) ? (JSON.parse(readFileSync(specFile, 'utf8')) as CaseSpec) : {};
  const configFile = join(dir, CONFIG_FILE);
  const config = existsSync(configFile) ? loadConfig(configFile, dir) : undefined;
  const along = registry.filter((r) => spec.with?.includes(r.id));
  return lint(spec.paths ?? ['.'], {
    ...spec.options,
    ...(config ? { config } : {}),
    cwd: dir,
    rules: [...along, ...rules],
    exclude: ['**/node_modules/**', 'case.json'],
  });
}

/** Compares with an expectation file, or rewrites it under UPDATE_EXPECTED=1 (never in CI). */
export function expectFile(actual: string, file: string): { expected: string; actual: string } {
  if (UPDATE && !process.env['CI']) writeFileSync(file, actual);
  const expected = existsSync(file)
    ? readFileSync(file, 'utf8')
    : `<missing ${file}: run npm run update-expected>`;
  return { expected, actual };
}
