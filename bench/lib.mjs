// Shared measuring helpers for bench sections: run a child process N times, report the median
// wall time and the peak RSS. Numbers come from one `npm run bench`; nothing here is a test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export const ROOT = new URL('..', import.meta.url).pathname;
export const CLI = join(ROOT, 'dist/cli.cjs');

// NODE_EXTRA_CA_CERTS (set on these machines) makes every Node process read a CA bundle at start
// (about 110 ms on Node 20), which hides the cold-start ratio: measured processes run without it.
export const CA_CERTS_WAS_SET = (process.env.NODE_EXTRA_CA_CERTS ?? '') !== '';
delete process.env.NODE_EXTRA_CA_CERTS;

/**
 * Peak RSS of a child: GNU time's %M (KiB) when /usr/bin/time exists, otherwise a preload that
 * prints process.resourceUsage().maxRSS (KiB) when the child exits.
 */
const GNU_TIME = '/usr/bin/time';
// S3TL_BENCH_RSS=preload forces the fallback (to check it where GNU time exists).
export const RSS_METHOD =
  existsSync(GNU_TIME) && process.env.S3TL_BENCH_RSS !== 'preload'
    ? 'GNU time %M'
    : 'preload: process.resourceUsage().maxRSS';
const PRELOAD = join(ROOT, 'bench/maxrss.cjs');

/** One run: wall milliseconds, peak RSS in MB, exit status. */
export function runOnce(args, options = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 's3tl-bench-'));
  const rssFile = join(scratch, 'rss');
  const gnu = RSS_METHOD.startsWith('GNU');
  const command = gnu ? GNU_TIME : process.execPath;
  const argv = gnu
    ? ['-f', '%M %U %S', '-o', rssFile, process.execPath, ...args]
    : ['--require', PRELOAD, ...args];
  const env = { ...process.env, NO_COLOR: '1', S3TL_BENCH_RSS_FILE: rssFile };
  const start = performance.now();
  const r = spawnSync(command, argv, {
    cwd: options.cwd ?? ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - start;
  if (r.error) throw r.error;
  // GNU time may print a status line first; the numbers are on the last line.
  const [kib, user, system] = readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  rmSync(scratch, { recursive: true, force: true });
  if (options.expectStatus !== undefined && !options.expectStatus.includes(r.status)) {
    throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  }
  return { ms, cpuMs: (user + system) * 1000, rssMb: kib / 1024, status: r.status };
}

/**
 * Measures commands side by side: one warm-up each (file cache), then `runs` rounds that run
 * every command once, interleaved, so load on the machine hits all of them alike.
 */
export function compare(commands, { runs, ...options }) {
  for (const c of commands) runOnce(c.args, { ...options, ...c.options });
  const samples = commands.map(() => []);
  for (let i = 0; i < runs; i++) {
    commands.forEach((c, k) => samples[k].push(runOnce(c.args, { ...options, ...c.options })));
  }
  return samples.map(summarise);
}

function summarise(samples) {
  const sorted = (key) => samples.map((s) => s[key]).sort((a, b) => a - b);
  const ms = sorted('ms');
  const rss = sorted('rssMb');
  return {
    ms: median(ms),
    min: ms[0],
    max: ms[ms.length - 1],
    cpuMs: median(sorted('cpuMs')),
    rssMb: median(rss),
    rssMax: rss[rss.length - 1],
    status: samples[0].status,
  };
}

const median = (sorted) => {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export const fmtMs = (m) =>
  `${m.ms.toFixed(1)} ms [${m.min.toFixed(1)}–${m.max.toFixed(1)}], CPU ${m.cpuMs.toFixed(0)} ms`;
export const fmtMb = (m) => `${m.rssMb.toFixed(1)} MB (max ${m.rssMax.toFixed(1)})`;

/** A goal line: `✓`/`✗`, the value and the goal. */
export function goal(label, value, limit, unit) {
  const ok = value <= limit;
  return {
    ok,
    line: `${ok ? 'ok  ' : 'MISS'} ${label}: ${value.toFixed(2)}${unit} (goal ≤ ${limit}${unit})`,
  };
}

export function scratchDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}
