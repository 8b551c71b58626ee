import pkg from '../package.json' with { type: 'json' };
import { run, selectRules, RULE_ERROR, type Selection } from './engine.js';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE } from './load/files.js';
import { load, loadTexts } from './load/index.js';
import type { Model } from './model.js';
import type { Finding, Rule } from './rule.js';
import registry from '../rules/index.js';

export interface LintOptions extends Selection {
  /** Paths are resolved and shown relative to this directory (default: process.cwd()). */
  cwd?: string;
  /** Globs for directory scans (default `**\/*.json`). */
  include?: readonly string[];
  exclude?: readonly string[];
  /** The rule set to choose from (default: every built-in rule). */
  rules?: readonly Rule[];
  /** Source of '-' (default: file descriptor 0). */
  stdin?: () => Buffer;
}

/** A rule's documentation, as reporters need it. */
export type RuleMeta = Omit<Rule, 'check'>;

export interface NotRun {
  rule: string;
  reason: string;
}

export interface ToolInfo {
  name: string;
  version: string;
  informationUri: string;
  /** Versions of the data the rules use (e.g. IAM service data). */
  data: Record<string, string>;
}

export interface LintResult {
  tool: ToolInfo;
  findings: Finding[];
  /** The rules that ran (and the pseudo-rules findings refer to). */
  rules: RuleMeta[];
  notRun: NotRun[];
  /** A rule crashed: results are incomplete. */
  crashed: boolean;
  /** Number of files that held something linted (documents or problems). */
  files: number;
  /** Messages that are not findings (e.g. an empty directory). */
  notes: string[];
}

export const TOOL: ToolInfo = {
  name: pkg.name,
  version: pkg.version,
  informationUri: 'https://github.com/s3tables-lint/s3tables-lint',
  data: {},
};

/** Lints files, directories and globs (or '-' for stdin). */
export async function lint(paths: readonly string[], options: LintOptions = {}): Promise<LintResult> {
  const cwd = options.cwd ?? process.cwd();
  const rules = selectRules(options.rules ?? registry, options);
  const { model, notes } = load(paths, {
    cwd,
    include: options.include ?? DEFAULT_INCLUDE,
    exclude: options.exclude ?? DEFAULT_EXCLUDE,
    ...(options.stdin ? { stdin: options.stdin } : {}),
  });
  const result = await lintModel(model, rules);
  result.notes.push(...notes);
  return result;
}

/** Lints documents held in memory: `[{ name: 'policy.json', text: '{…}' }]`. */
export async function lintTexts(
  inputs: readonly { name: string; text: string }[],
  options: Selection & { rules?: readonly Rule[] } = {},
): Promise<LintResult> {
  return lintModel(loadTexts(inputs), selectRules(options.rules ?? registry, options));
}

export async function lintModel(model: Model, rules: readonly Rule[]): Promise<LintResult> {
  const notRun: NotRun[] = [];
  const { findings, crashed } = await run(model, rules, (rule, reason) => notRun.push({ rule, reason }));
  const metas: RuleMeta[] = rules.map(({ check: _check, ...meta }) => meta);
  if (crashed) metas.push(RULE_ERROR);
  return { tool: TOOL, findings, rules: metas, notRun, crashed, files: model.files.length, notes: [] };
}
