import type { Doc, Model } from './model.js';

/** SARIF's levels, used end to end: error = will not work / invalid, warning = risky, note = hygiene. */
export type Level = 'error' | 'warning' | 'note';
export const LEVELS: readonly Level[] = ['note', 'warning', 'error'];

/** A JSON path inside one document (relative to the document's root). */
export type Path = readonly (string | number)[];

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
  /** The JSON path (from the file's root) the finding is about. */
  path: Path;
  fix?: Fix;
  /** Why a permission check decided as it did (`--explain`). */
  explain?: string[];
  /** Stable across line shifts: rule, file, JSON path and message identity. */
  fingerprint: string;
  /** Set when a config suppression matched: kept in SARIF and JSON, left out of text and the exit code. */
  suppressed?: { justification: string };
}

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
  /** Say that (part of) the check could not run, and why: shown in JSON and SARIF run properties. */
  skip(reason: string): void;
}

export interface Rule {
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
  check(ctx: RuleContext): void | Promise<void>;
}

/** Identity: names the shape and checks its types. */
export const defineRule = (rule: Rule): Rule => rule;

export const atLeast = (level: Level, floor: Level): boolean =>
  LEVELS.indexOf(level) >= LEVELS.indexOf(floor);
