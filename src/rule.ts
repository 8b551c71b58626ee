import type { Statement } from './iam/policy.js';
import type { Doc, Model, Path, PolicyDoc } from './model.js';
import type { Fix, Level, RuleMeta } from './result.js';

export type { Finding, Fix, Level, RuleMeta } from './result.js';
export { atLeast, LEVELS } from './result.js';
export type { Path } from './model.js';

export interface Report {
  doc: Doc;
  path: Path;
  message: string;
  level?: Level;
  fix?: Fix;
  explain?: string[];
  /** Extra identity for the fingerprint when one path carries several distinct findings. */
  key?: string;
  /** A character range to use instead of the path (syntax errors have no path). */
  range?: { offset: number; length: number };
}

export interface RuleContext {
  model: Model;
  report(report: Report): void;
  /** Say that (part of) the check could not run, and why: shown in every output format. */
  skip(reason: string): void;
}

/** One policy as a visitor sees it: normalised once by the engine for every rule that visits. */
export interface PolicyVisit {
  doc: PolicyDoc;
  statements: readonly Statement[];
}

/**
 * A rule: its documentation, and what the engine calls. `check` sees the whole linked model once;
 * `policy` is called for each policy document (the engine normalises each once for all rules).
 * A rule with neither is emitted by a stage (`unused-suppression`, by the suppression stage).
 * Paths inside policies embedded as strings are mapped by the engine.
 */
export interface Rule extends RuleMeta {
  check?(ctx: RuleContext): void | Promise<void>;
  policy?(visit: PolicyVisit, ctx: RuleContext): void;
}

/** The rule's own page in the repository (it links the AWS documentation): every rule's helpUri. */
export const rulePage = (id: string): string =>
  `https://github.com/s3tables-lint/s3tables-lint/blob/main/docs/rules/${id}.md`;

/** Identity: names the shape and checks its types. */
export const defineRule = (rule: Rule): Rule => rule;
