/**
 * Integration suite: seeded mutation fuzzing of every fixture case, e2e scenario and example
 * (helpers/fuzz.ts). Each mutant is linted in-process with the built library (in a worker thread, so
 * a hang can be stopped) and rendered in every format; one in CLI_EVERY also runs through the built
 * CLI. It fails on an exit code other than 0/1/2, an internal error or stack trace, a rule-error
 * finding, invalid JSON or SARIF (schema), an unescaped control character or a forged line in text or
 * github output (or on stderr), and a run over SLOW_MS.
 *
 * FUZZ_RUNS=<n> mutants (default 3000), FUZZ_SEED=<n> (default: a new one, printed), FUZZ_ONLY=<i>
 * rebuilds one mutant. Failing mutants are written to .tmp/fuzz/<seed>-<i>/, and the list of failures
 * to .tmp/fuzz/<seed>-failures.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, expect, it } from 'vitest';
import { ROOT } from './helpers/cases.js';
import { CLI } from './helpers/cli.js';
import {
  corpus,
  humanProblems,
  mutate,
  printable,
  Rng,
  show,
  STACK,
  type Mutant,
  type Unit,
} from './helpers/fuzz.js';
import { schemaErrors } from './helpers/sarif.js';

const RUNS = Number(process.env['FUZZ_RUNS'] || 3000);
const SEED = Number(process.env['FUZZ_SEED'] || Math.floor(Math.random() * 2 ** 31));
const ONLY = process.env['FUZZ_ONLY'];
/** A run over this is a failure ("a few seconds"; the inputs are small). */
const SLOW_MS = 5_000;
/** A worker or CLI still busy after this is stopped. */
const HANG_MS = 15_000;
const CLI_EVERY = 20;
const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
type Format = (typeof FORMATS)[number];

type Outcome =
  | {
      kind: 'ok';
      ms: number;
      exit: number;
      outputs: Record<Format, string>;
      lines: { text: number; github: number };
      notes: string[];
      ruleErrors: string[];
      findings: number;
    }
  | { kind: 'usage'; ms: number; message: string }
  | { kind: 'internal'; ms: number; message: string; stack?: string }
  | { kind: 'hang' | 'worker-died'; ms: number; message: string };

/** The in-process runner: one worker thread, replaced when it hangs or dies. */
class Runner {
  private worker: Worker | undefined;
  private start(): Worker {
    const worker = new Worker(join(ROOT, 'test/helpers/fuzz-worker.mjs'), {
      workerData: { library: join(ROOT, 'dist/index.js') },
      resourceLimits: { maxOldGenerationSizeMb: 2048 },
      stdout: true,
      stderr: true,
    });
    worker.unref();
    return worker;
  }
  run(job: object): Promise<Outcome> {
    const worker = (this.worker ??= this.start());
    const started = Date.now();
    return new Promise((resolve) => {
      const done = (outcome: Outcome): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        resolve(outcome);
      };
      const stop = (kind: 'hang' | 'worker-died', message: string): void => {
        this.worker = undefined;
        void worker.terminate();
        done({ kind, ms: Date.now() - started, message });
      };
      const onMessage = (outcome: Outcome): void => done(outcome);
      const onError = (e: Error): void => stop('worker-died', e.message);
      const timer = setTimeout(() => stop('hang', `no answer after ${HANG_MS} ms`), HANG_MS);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage(job);
    });
  }
  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}

function write(dir: string, mutant: Mutant): void {
  for (const f of mutant.files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.bytes);
  }
}

/** Everything wrong with one in-process outcome. */
function inProcessProblems(o: Outcome): string[] {
  if (o.kind === 'hang' || o.kind === 'worker-died') return [`${o.kind}: ${o.message}`];
  const problems: string[] = [];
  if (o.ms > SLOW_MS) problems.push(`slow: ${Math.round(o.ms)} ms`);
  if (o.kind === 'internal') return [...problems, `internal error: ${o.message}\n${o.stack ?? ''}`];
  if (o.kind === 'usage') {
    // A usage error is one line on stderr.
    return [...problems, ...humanProblems('usage error', `${o.message}\n`, 1)];
  }
  if (o.kind !== 'ok') return problems;
  for (const m of o.ruleErrors) problems.push(`rule-error: ${m}`);
  problems.push(...humanProblems('text', o.outputs.text, o.lines.text));
  problems.push(...humanProblems('github', o.outputs.github, o.lines.github));
  for (const note of o.notes) problems.push(...humanProblems('note', `${note}\n`, 1));
  try {
    JSON.parse(o.outputs.json);
  } catch (e) {
    problems.push(`json: invalid: ${(e as Error).message}`);
  }
  try {
    const errors = schemaErrors(JSON.parse(o.outputs.sarif));
    if (errors.length > 0) problems.push(`sarif: schema: ${errors.slice(0, 3).join('; ')}`);
  } catch (e) {
    problems.push(`sarif: invalid JSON: ${(e as Error).message}`);
  }
  return problems;
}

/** Everything wrong with a CLI run of the mutant, compared with the in-process outcome. */
function cliProblems(dir: string, unit: Unit, format: Format, o: Outcome): string[] {
  const args = [
    CLI,
    ...unit.paths,
    '--format',
    format,
    ...(unit.config ? ['--config', unit.config] : ['--no-config']),
  ];
  const started = Date.now();
  const r = spawnSync(process.execPath, args, {
    cwd: dir,
    encoding: 'utf8',
    input: '',
    timeout: HANG_MS,
    maxBuffer: 512 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', S3TABLES_LINT_DEBUG: '' },
  });
  const ms = Date.now() - started;
  const problems: string[] = [];
  if (r.error) return [`cli: ${r.error.message}`];
  if (ms > SLOW_MS + 2_000) problems.push(`cli slow: ${ms} ms`);
  if (r.status === null || ![0, 1, 2].includes(r.status)) problems.push(`cli exit ${r.status} (${r.signal})`);
  if (STACK.test(r.stdout) || STACK.test(r.stderr))
    problems.push(`cli stack trace: ${r.stderr.slice(0, 500)}`);
  if (r.stderr.includes('internal error')) problems.push(`cli: ${r.stderr.slice(0, 500)}`);
  problems.push(...humanProblems('cli stderr', r.stderr));
  if (o.kind === 'ok') {
    if (r.status !== o.exit) problems.push(`cli exit ${r.status}, in-process ${o.exit}`);
    if (r.stdout !== o.outputs[format]) problems.push(`cli ${format} output differs from the library's`);
  } else if (o.kind === 'usage' && r.status !== 2) problems.push(`cli exit ${r.status} on a usage error`);
  return problems;
}

const runner = new Runner();
afterAll(() => runner.close());

it(
  `survives ${ONLY === undefined ? RUNS : 1} mutants of the fixtures and examples (seed ${SEED})`,
  async () => {
    if (!existsSync(join(ROOT, 'dist/index.js'))) throw new Error('dist/ is missing: npm run build');
    console.log(`fuzz: seed ${SEED}, ${RUNS} mutants (FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} to repeat)`);
    const units = corpus();
    expect(units.length).toBeGreaterThan(100);
    const scratch = mkdtempSync(join(tmpdir(), 's3tl-fuzz-'));
    const failures: { i: number; unit: string; mutant: Mutant; problems: string[] }[] = [];
    const indexes = ONLY === undefined ? Array.from({ length: RUNS }, (_, i) => i) : [Number(ONLY)];
    let cliRuns = 0;
    const slowest: { i: number; ms: number }[] = [];
    for (const i of indexes) {
      const rng = new Rng(SEED, i);
      const unit = rng.pick(units);
      const mutant = mutate(unit, rng);
      const dir = join(scratch, String(i));
      write(dir, mutant);
      const outcome = await runner.run({
        dir,
        paths: unit.paths,
        options: unit.options,
        config: unit.config,
      });
      const problems = inProcessProblems(outcome);
      slowest.push({ i, ms: outcome.ms });
      slowest.sort((a, b) => b.ms - a.ms).splice(3);
      const format = rng.pick(FORMATS);
      // The CLI takes no lint options from a case.json: only units without them.
      if ((i % CLI_EVERY === 0 || ONLY !== undefined) && Object.keys(unit.options).length === 0) {
        cliRuns++;
        problems.push(...cliProblems(dir, unit, format, outcome));
      }
      if (problems.length > 0) {
        failures.push({ i, unit: unit.name, mutant, problems });
        const keep = join(ROOT, '.tmp/fuzz', `${SEED}-${i}`);
        rmSync(keep, { recursive: true, force: true });
        write(keep, mutant);
      }
      rmSync(dir, { recursive: true, force: true });
    }
    rmSync(scratch, { recursive: true, force: true });
    const slow = slowest.map((s) => `#${s.i} ${Math.round(s.ms)} ms`).join(', ');
    console.log(
      `fuzz: ${indexes.length} mutants, ${cliRuns} through the CLI, ${failures.length} failed; slowest ${slow}`,
    );
    if (failures.length > 0) {
      const all = failures.map(({ mutant, ...f }) => ({
        ...f,
        target: mutant.target,
        mutations: mutant.mutations,
      }));
      writeFileSync(join(ROOT, '.tmp/fuzz', `${SEED}-failures.json`), JSON.stringify(all, null, 2));
    }
    const report = failures
      .slice(0, 20)
      .map((f) =>
        [
          `#${f.i} (FUZZ_SEED=${SEED} FUZZ_ONLY=${f.i}) ${f.unit}, mutated ${show(f.mutant.target)}:`,
          ...f.mutant.mutations.map((m) => `  ${m}`),
          ...f.problems.map((p) => `  -> ${printable(p.slice(0, 600))}`),
        ].join('\n'),
      );
    expect(report.join('\n\n'), `${failures.length} failing mutants, kept in .tmp/fuzz/`).toBe('');
  },
  60 * 60_000,
);
