export { lint, lintModel, lintTexts, TOOL } from './lint.js';
export type { LintOptions, LintResult, NotRun, RuleMeta, ToolInfo } from './lint.js';
export type { Finding, Fix, Level, Path, Report, Rule, RuleContext } from './rule.js';
export { defineRule } from './rule.js';
export type { Doc, Model, PolicyDoc, ReplicationDoc, RoleDoc, SourceFile } from './model.js';
export { text } from './reporters/text.js';
export { json } from './reporters/json.js';
export { sarif } from './reporters/sarif.js';
export { default as rules } from '../rules/index.js';
