// The fuzz test's in-process runner (test/fuzz.test.ts): a worker thread, so a mutant that hangs
// or exhausts memory can be stopped without stopping the test. It lints one mutant folder with the
// built library (dist/index.js, the package's public API) as the CLI would, and renders every format.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

const { lint, loadConfig, text, json, sarif, github } = await import(workerData.library);
const RANK = { note: 0, warning: 1, error: 2 };

parentPort.on('message', async (job) => {
  const start = performance.now();
  try {
    parentPort.postMessage(await run(job, start));
  } catch (cause) {
    const ms = performance.now() - start;
    const message = cause instanceof Error ? cause.message : String(cause);
    // The CLI prints a UsageError as one line and exits 2; anything else is an internal error.
    const kind = cause instanceof Error && cause.name === 'UsageError' ? 'usage' : 'internal';
    parentPort.postMessage({ kind, ms, message, stack: cause instanceof Error ? cause.stack : undefined });
  }
});

async function run(job, start) {
  const config = job.config ? loadConfig(join(job.dir, job.config), job.dir) : undefined;
  const result = await lint(job.paths, { ...job.options, ...(config ? { config } : {}), cwd: job.dir });
  const outputs = {
    text: text(result, { color: false }),
    json: json(result),
    sarif: sarif(result),
    github: github(result),
  };
  const ms = performance.now() - start;
  const failOn = RANK[config?.config.failOn ?? 'error'];
  // The exit code the CLI gives for this result (src/cli.ts).
  const exit =
    result.crashed || result.files === 0 ? 2 : result.findings.some((f) => RANK[f.level] >= failOn) ? 1 : 0;
  // One text line per finding, two more plus the JSON lines per fix, and the summary line.
  const fixLines = (f) => (f.fix ? 1 + JSON.stringify(f.fix.value, null, 2).split('\n').length : 0);
  const n = result.findings.length;
  // And one `not checked` line (a notice in github) per distinct reason a check did not run.
  const notChecked = new Set(result.notRun.map((x) => x.reason)).size;
  const lines = {
    text: result.findings.reduce((sum, f) => sum + 1 + fixLines(f), 0) + (n > 0 ? 1 : 0) + notChecked,
    github: n + (n > 0 ? 1 : 0) + notChecked,
  };
  const ruleErrors = result.findings.filter((f) => f.ruleId === 'rule-error').map((f) => f.message);
  return { kind: 'ok', ms, exit, outputs, lines, notes: result.notes, ruleErrors, findings: n };
}
