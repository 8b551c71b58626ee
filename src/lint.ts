import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { minimatch } from 'minimatch';
import pkg from '../package.json' with { type: 'json' };
import {
  absoluteBindings,
  applySuppressions,
  bindModel,
  boundFiles,
  ruleSettings,
  unusedSuppressions,
  type Bindings,
  type LoadedConfig,
} from './config.js';
import { compare, run, selectRules, RULE_ERROR, type Selection } from './engine.js';
import { UsageError } from './errors.js';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE, toPosix } from './load/files.js';
import { load, loadTexts } from './load/index.js';
import { bindPrincipal } from './link.js';
import type { Model } from './model.js';
import type { Finding, Level, Rule } from './rule.js';
import registry from '../rules/index.js';
import { dataVersion, IAM_DATA_PACKAGE } from './iam/data.js';

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
  /**
   * A config file (`findConfig` + `loadConfig`): rule settings, scan globs, bindings and
   * suppressions. The other options win over it (`rule` globs turn rules the config turns off on).
   */
  config?: LoadedConfig;
  /**
   * Which policy files belong to the calling principal and to roles (paths relative to `cwd`),
   * merged with the config's. The files are loaded as inputs too; the rules see the documents in
   * `model.bindings`.
   */
  bindings?: Bindings;
  /**
   * A user, group or role (name or ARN) of an account-authorization-details input that calls
   * Put...Replication (`--caller`): its inline, attached and group policies are the caller's.
   */
  callerPrincipal?: string;
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
  /** Findings no suppression matched: what the text output and the exit code count. */
  findings: Finding[];
  /**
   * Findings a config suppression matched (`suppressed` set): SARIF and JSON keep them. Always
   * set by lint(); optional so results built by hand (tests, other tools) need not carry it.
   */
  suppressed?: Finding[];
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
  data: { [IAM_DATA_PACKAGE]: dataVersion() },
};

/** Lints files, directories and globs (or '-' for stdin). */
export async function lint(paths: readonly string[], options: LintOptions = {}): Promise<LintResult> {
  const cwd = options.cwd ?? process.cwd();
  const all = options.rules ?? registry;
  const config = options.config;
  const configName = config ? displayName(config.path, cwd) : '';
  const known = options.rules ? [...registry, ...options.rules] : registry;
  const { off, levels } = ruleSettings(config, known, configName);
  // A rule named with `rule` (--rule) runs even when the config turns it off.
  const named = (id: string): boolean => (options.rule ?? []).some((g) => minimatch(id, g));
  const skip = [
    ...(options.skip ?? []),
    ...[...off].filter((id) => all.some((r) => r.id === id) && !named(id)),
  ];
  const rules = selectRules(all, { rule: options.rule ?? [], skip });

  const fromConfig = config ? absoluteBindings(config.config.bindings, config.dir) : {};
  const fromOptions = absoluteBindings(options.bindings, cwd);
  for (const [set, where] of [
    [fromConfig, `${configName}: `],
    [fromOptions, ''],
  ] as const) {
    for (const b of boundFiles(set)) {
      if (!isFile(b.path))
        throw new UsageError(`${where}${b.member}: no such file: ${displayName(b.path, cwd)}`);
    }
  }
  const bindings = mergeBindings(fromConfig, fromOptions);
  const bound = boundFiles(bindings);

  const { model, notes } = load([...paths, ...bound.map((b) => b.path)], {
    cwd,
    include: options.include ?? config?.config.include ?? DEFAULT_INCLUDE,
    exclude: options.exclude ?? [...DEFAULT_EXCLUDE, ...(config?.config.exclude ?? [])],
    ...(options.stdin ? { stdin: options.stdin } : {}),
  });
  if (bound.length > 0) bindModel(model, bindings, cwd);
  if (options.callerPrincipal !== undefined) bindPrincipal(model, options.callerPrincipal);
  const result = await lintModel(model, rules, { ...(config ? { config } : {}), levels, cwd });
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

/** The rule that reports suppressions no finding used: it runs after the others. */
const UNUSED_SUPPRESSION = 'unused-suppression';

export interface ModelSettings {
  /** The config whose suppressions apply. */
  config?: LoadedConfig;
  /** Levels that replace rules' levels (from the config's `rules`). */
  levels?: ReadonlyMap<string, Level>;
  /** Finding file names are relative to this directory (default: process.cwd()). */
  cwd?: string;
}

export async function lintModel(
  model: Model,
  rules: readonly Rule[],
  settings: ModelSettings = {},
): Promise<LintResult> {
  const cwd = settings.cwd ?? process.cwd();
  const levels = settings.levels ?? new Map<string, Level>();
  const relevel = (findings: Finding[]): Finding[] =>
    findings.map((f) => {
      const level = levels.get(f.ruleId);
      return level && level !== f.level ? { ...f, level } : f;
    });
  const notRun: NotRun[] = [];
  const skip = (rule: string, reason: string): void => void notRun.push({ rule, reason });
  const early = rules.filter((r) => r.id !== UNUSED_SUPPRESSION);
  const late = rules.filter((r) => r.id === UNUSED_SUPPRESSION);

  const first = await run(model, early, skip);
  let crashed = first.crashed;
  let findings = relevel(first.findings);
  let suppressed: Finding[] = [];
  const config = settings.config;
  if (config) {
    const split = applySuppressions(findings, config, model, cwd);
    findings = split.active;
    suppressed = split.suppressed;
    const file = { name: displayName(config.path, cwd), text: config.text, explicit: true };
    model.config = {
      doc: { kind: 'file', file, root: [], data: config.config },
      unusedSuppressions: unusedSuppressions(config, split.used, early, model, cwd),
    };
  }
  if (late.length > 0) {
    const second = await run(model, late, skip);
    crashed ||= second.crashed;
    findings = [...findings, ...relevel(second.findings)].sort(compare);
  }

  const metas: RuleMeta[] = rules.map(({ check: _check, ...meta }) => ({
    ...meta,
    level: levels.get(meta.id) ?? meta.level,
  }));
  if (crashed) metas.push(RULE_ERROR);
  return {
    tool: TOOL,
    findings,
    suppressed,
    rules: metas,
    notRun,
    crashed,
    files: model.files.length,
    notes: [],
  };
}

/** Both sets of bindings: callers concatenated, roles merged by key (the second's trust wins). */
function mergeBindings(a: Bindings, b: Bindings): Bindings {
  const out: Bindings = {};
  const caller = [...(a.caller ?? []), ...(b.caller ?? [])];
  if (caller.length > 0) out.caller = caller;
  const keys = new Set([...Object.keys(a.roles ?? {}), ...Object.keys(b.roles ?? {})]);
  if (keys.size > 0) {
    out.roles = {};
    for (const k of keys) {
      const x = a.roles?.[k] ?? {};
      const y = b.roles?.[k] ?? {};
      const policies = [...(x.policies ?? []), ...(y.policies ?? [])];
      const trust = y.trust ?? x.trust;
      out.roles[k] = { ...(policies.length > 0 ? { policies } : {}), ...(trust ? { trust } : {}) };
    }
  }
  return out;
}

const displayName = (path: string, cwd: string): string => toPosix(relative(cwd, path)) || path;

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
