export { lint, lintModel, lintTexts, TOOL } from './lint.js';
export type { LintOptions, LintResult, NotRun, RuleMeta, ToolInfo } from './lint.js';
export type { Finding, Fix, Level, Path, PolicyVisit, Report, Rule, RuleContext } from './rule.js';
export { defineRule } from './rule.js';
export { CONFIG_FILE, findConfig, loadConfig, validateConfig } from './config.js';
export type {
  Bindings,
  Config,
  ContextConfig,
  ContextValues,
  LoadedConfig,
  OrganizationConfig,
  OrgLevelConfig,
  RoleBinding,
  RuleSetting,
  Suppression,
} from './config.js';
export type {
  Caller,
  Doc,
  Documents,
  Model,
  ModelBindings,
  PolicyDoc,
  ReplicationDoc,
  RoleDoc,
  Setup,
  SetupDestination,
  SetupRole,
  SourceFile,
} from './model.js';
export { isUnknown, Unknown } from './model.js';
export { link } from './link.js';
export type { LinkBindings } from './link.js';
export { text, useColor } from './reporters/text.js';
export { github } from './reporters/github.js';
export { json } from './reporters/json.js';
export { sarif } from './reporters/sarif.js';
export { default as rules } from '../rules/index.js';
export { evaluate, resourceCovers, resourceIntersects, resourceMatches } from './iam/evaluate.js';
export type { Context, Decision, Evaluation, Request as EvaluationRequest, Trace } from './iam/evaluate.js';
export { suggest, renderSuggestion } from './replication/suggest.js';
export type { Suggestion, SuggestFormat } from './replication/suggest.js';
