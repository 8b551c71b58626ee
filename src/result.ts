/**
 * What a run produces and the reporters read. Reporters import this module only, so they know
 * nothing of the engine, the loader or the orchestrator.
 */
import type { Path } from './model.js';

/** SARIF's levels, used end to end: error = will not work / invalid, warning = risky, note = hygiene. */
export type Level = 'error' | 'warning' | 'note';
export const LEVELS: readonly Level[] = ['note', 'warning', 'error'];

export const atLeast = (level: Level, floor: Level): boolean =>
  LEVELS.indexOf(level) >= LEVELS.indexOf(floor);

/** Something the user can paste: a policy statement, a whole policy, or a config snippet. */
export interface Fix {
  /** One line saying where the snippet goes. */
  description: string;
  /** The JSON value to paste. */
  value: unknown;
}

export interface Finding {
  ruleId: string;
  level: Level;
  message: string;
  /** The file as the user named it, relative to the working directory, forward slashes; `<stdin>` for `-`. */
  file: string;
  /** 1-based. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The path (from the file's root) the finding is about. */
  path: Path;
  /**
   * What the user knows the place by, when the file is larger than it: a CDK construct path
   * (`Stack/ReplicationRole/Resource`), a CloudFormation logical id, a Terraform resource address.
   */
  logicalLocation?: string;
  fix?: Fix;
  /** Why a permission check decided as it did (`--explain`). */
  explain?: string[];
  /** Stable across line shifts: rule, file, path and message identity. */
  fingerprint: string;
  /** Set when a config suppression matched: kept in SARIF and JSON, left out of text and the exit code. */
  suppressed?: { justification: string };
}

/** A rule's documentation, as reporters need it. */
export interface RuleMeta {
  /** kebab-case, equal to the file name in rules/. */
  id: string;
  /** One sentence: SARIF shortDescription and the README row. */
  description: string;
  /** Default level of its findings. */
  level: Level;
  /** The page that documents what the rule enforces. */
  helpUri: string;
  /** Runs only in a dry run / audit. */
  requiresAws?: boolean;
  /** Cross-references, e.g. the IAM Access Analyzer check code for the same problem. */
  seeAlso?: string[];
  /** Labels for GitHub code scanning (SARIF `properties.tags`), e.g. `security`; at most 20 are kept. */
  tags?: string[];
  /**
   * For security rules (tagged `security`): SARIF `properties.security-severity`, 0.0–10.0, which
   * GitHub code scanning ranks as critical (≥ 9), high (≥ 7), medium (≥ 4) or low.
   */
  securitySeverity?: number;
}

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
  /** Findings a config suppression matched (`suppressed` set): SARIF and JSON keep them; often []. */
  suppressed: Finding[];
  /** The rules that ran (and the pseudo-rules findings refer to). */
  rules: RuleMeta[];
  notRun: NotRun[];
  /** A rule crashed: results are incomplete. */
  crashed: boolean;
  /** Number of files that held something linted (documents or problems). */
  files: number;
  /** Messages that are not findings (e.g. an empty directory). */
  notes: string[];
  /** Absolute paths of the files read or scanned (set by lint()): --output refuses to replace one. */
  inputs?: string[];
}

/** The pseudo-rule a crashing rule's finding carries. */
export const RULE_ERROR: RuleMeta = {
  id: 'rule-error',
  description: 'A rule failed while checking the inputs; its results are missing.',
  level: 'error',
  helpUri: 'https://github.com/s3tables-lint/s3tables-lint#exit-codes',
};

/** The stable order of findings: file, position, rule, message. */
export function compare(a: Finding, b: Finding): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}
