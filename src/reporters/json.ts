import type { LintResult } from '../lint.js';

/** Every field of every finding, in the engine's stable order, plus what did not run and why. */
export function json(result: LintResult): string {
  const out = {
    tool: { name: result.tool.name, version: result.tool.version, data: result.tool.data },
    findings: result.findings,
    notRun: result.notRun,
    files: result.files,
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
