/** The exit code's verdict on findings: `--fail-on` and `--max-warnings`, as ESLint has them. */
import { atLeast, type Finding, type Level } from './result.js';

export const FAIL_ON = ['error', 'warning', 'note', 'none'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface Gate {
  /** Lowest level that fails the run; `none` never fails on a finding (report only). */
  failOn: FailOn;
  /** Fail when more warnings than this (suppressed ones do not count); undefined or -1: no limit. */
  maxWarnings?: number;
}

export interface Verdict {
  fail: boolean;
  /** Why, when the warning budget failed it (for standard error). */
  why?: string;
}

export function verdict(findings: readonly Finding[], gate: Gate): Verdict {
  const floor = gate.failOn;
  if (floor !== 'none' && findings.some((f) => atLeast(f.level, floor as Level))) return { fail: true };
  const warnings = findings.filter((f) => f.level === 'warning').length;
  if (gate.maxWarnings !== undefined && gate.maxWarnings >= 0 && warnings > gate.maxWarnings)
    return {
      fail: true,
      why: `too many warnings: ${warnings} (maximum: ${gate.maxWarnings}, --max-warnings)`,
    };
  return { fail: false };
}

/** `--max-warnings N`: a whole number, 0 or more; -1 is no limit (ESLint's default). */
export function parseMaxWarnings(value: string): number | undefined {
  return /^(\d{1,9}|-1)$/.test(value) ? Number(value) : undefined;
}
