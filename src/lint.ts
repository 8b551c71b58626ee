/**
 * The library's entry points. Data flows one way: plan (options + config, once) → load → link →
 * engine → suppress → the result the reporters read.
 */
import { statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import pkg from '../package.json' with { type: 'json' };
import { UsageError } from './errors.js';
import type { Bindings, ContextConfig, LoadedConfig, OrganizationConfig } from './config.js';
import { run } from './engine.js';
import { dataVersion, IAM_DATA_PACKAGE } from './iam/data.js';
import { link } from './link.js';
import { load, loadTexts } from './load/index.js';
import type { Model } from './model.js';
import { plan, selectRules, type Selection } from './plan.js';
import {
  compare,
  RULE_ERROR,
  type Finding,
  type Level,
  type LintResult,
  type NotRun,
  type RuleMeta,
  type ToolInfo,
} from './result.js';
import type { Rule } from './rule.js';
import { suppress } from './suppress.js';
import registry from '../rules/index.js';

export type { LintResult, NotRun, RuleMeta, ToolInfo } from './result.js';

/** `--tf-root`: an existing directory, absolute. */
function tfRootOf(cwd: string, dir: string): string {
  const abs = resolvePath(cwd, dir);
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new UsageError(`--tf-root ${dir}: not a directory`);
  return abs;
}

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
  /** `--tf-root`: findings on Terraform plans point at the `.tf` blocks under this directory. */
  tfRoot?: string;
  /**
   * A config file (`findConfig` + `loadConfig`): rule settings, scan globs, bindings and
   * suppressions. The other options win over it (`rule` globs turn rules the config turns off on).
   */
  config?: LoadedConfig;
  /**
   * Which policy files belong to the calling principal and to roles (paths relative to `cwd`),
   * merged with the config's. The files are loaded as inputs too; the rules see them linked in
   * `model.setups` and `model.caller`.
   */
  bindings?: Bindings;
  /** Permission policy files of the one role the run's replication configurations name (`--role-policy`). */
  rolePolicies?: readonly string[];
  /** The trust policy file of that role (`--trust-policy`). */
  trustPolicy?: string;
  /**
   * A user, group or role (name or ARN) of an account-authorization-details input that calls
   * Put...Replication (`--caller`): its inline, attached and group policies are the caller's.
   */
  callerPrincipal?: string;
  /**
   * What the linter cannot know about the requests replication makes, by condition key
   * (`{ all: { 'aws:PrincipalOrgID': 'o-…' }, role: { 'aws:PrincipalTag/team': 'data' } }`;
   * `null` states a key is absent). Merged over the config's `context`, key by key.
   */
  context?: ContextConfig;
  /** SCPs and RCPs per organization level (policy paths relative to `cwd`), added to the config's. */
  organization?: OrganizationConfig;
  /** The table or table bucket ARN of the one Get...Replication output among the inputs (`--source`). */
  source?: string;
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
  const p = plan({
    ...options,
    cwd,
    all: options.rules ?? registry,
    known: options.rules ? [...registry, ...options.rules] : registry,
  });
  const { documents, notes, inputs } = load([...paths, ...p.boundFiles], {
    cwd,
    include: p.include,
    exclude: p.exclude,
    ...(options.stdin ? { stdin: options.stdin } : {}),
    ...(options.tfRoot !== undefined ? { tfRoot: tfRootOf(cwd, options.tfRoot) } : {}),
  });
  const model = link(documents, p.bindings, cwd);
  const result = await lintModel(model, p.rules, {
    ...(p.config ? { config: p.config } : {}),
    levels: p.levels,
    cwd,
  });
  result.notes.push(...notes);
  result.inputs = inputs;
  return result;
}

/** Lints documents held in memory: `[{ name: 'policy.json', text: '{…}' }]`. */
export async function lintTexts(
  inputs: readonly { name: string; text: string }[],
  options: Selection & { rules?: readonly Rule[] } = {},
): Promise<LintResult> {
  return lintModel(link(loadTexts(inputs)), selectRules(options.rules ?? registry, options));
}

export interface ModelSettings {
  /** The config whose suppressions apply. */
  config?: LoadedConfig;
  /** Levels that replace rules' levels (from the config's `rules`). */
  levels?: ReadonlyMap<string, Level>;
  /** Finding file names are relative to this directory (default: process.cwd()). */
  cwd?: string;
}

/** Runs rules over a linked model: engine, then suppression; findings sorted once. */
export async function lintModel(
  model: Model,
  selected: readonly Rule[],
  settings: ModelSettings = {},
): Promise<LintResult> {
  // Rules that read what AWS said run (and are listed) only when the inputs hold such documents.
  const rules = model.aws.length > 0 ? selected : selected.filter((r) => !r.requiresAws);
  const cwd = settings.cwd ?? process.cwd();
  const levels = settings.levels ?? new Map<string, Level>();
  const notRun: NotRun[] = [];
  const ran = await run(model, rules, { levels, skip: (rule, reason) => void notRun.push({ rule, reason }) });
  let findings: Finding[] = ran.findings;
  let suppressed: Finding[] = [];
  if (settings.config) {
    const outcome = suppress(findings, settings.config, model, rules, levels, cwd);
    findings = outcome.active;
    suppressed = outcome.suppressed;
  }
  findings.sort(compare);
  suppressed.sort(compare);
  const metas: RuleMeta[] = rules.map(({ check: _check, policy: _policy, ...meta }) => ({
    ...meta,
    level: levels.get(meta.id) ?? meta.level,
  }));
  if (ran.crashed) metas.push(RULE_ERROR);
  return {
    tool: TOOL,
    findings,
    suppressed,
    rules: metas,
    notRun,
    crashed: ran.crashed,
    files: model.files.length,
    notes: [],
  };
}
