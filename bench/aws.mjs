// Audit of 1,000 tables in 20 buckets against the loopback fake AWS with 20 ms per call: wall time
// against the floor that latency and concurrency allow, requests sent, duplicates; then the same
// with 10% of the responses throttled.
import { spawn } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { CLI, ROOT, goal, scratchDir } from './lib.mjs';

const BUCKETS = 20;
const TABLES_PER_BUCKET = 50;
const LATENCY_MS = 20;
const CONCURRENCY = 32;
const ACCOUNT = '111122223333';

/** The fake is TypeScript (test/helpers): bundled once for this script. */
async function loadFake() {
  const dir = scratchDir('s3tl-bench-fake-');
  const outfile = join(dir, 'fake-aws.mjs');
  await build({
    entryPoints: [join(ROOT, 'test/helpers/fake-aws.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'warning',
  });
  const mod = await import(outfile);
  rmSync(dir, { recursive: true, force: true });
  return mod;
}

export function world() {
  const role = `arn:aws:iam::${ACCOUNT}:role/S3TablesReplicationRole`;
  const buckets = [];
  for (let b = 0; b < BUCKETS; b++) {
    const name = `bucket-${String(b).padStart(2, '0')}`;
    const arn = `arn:aws:s3tables:us-east-1:${ACCOUNT}:bucket/${name}`;
    const dest = `arn:aws:s3tables:us-west-2:${ACCOUNT}:bucket/${name}-replica`;
    const tables = [];
    for (let t = 0; t < TABLES_PER_BUCKET; t++) {
      tables.push({
        namespace: 'data',
        name: `table_${t}`,
        tableARN: `${arn}/table/tbl-${b}-${t}`,
        status: {
          destinations: [
            {
              replicationStatus: 'completed',
              destinationTableBucketArn: dest,
              lastSuccessfulReplicatedUpdate: {
                metadataLocation: `s3://meta/${name}/${t}.metadata.json`,
                timestamp: '2026-12-01T00:00:00.000Z',
              },
            },
          ],
        },
      });
    }
    buckets.push(
      {
        arn,
        name,
        ownerAccountId: ACCOUNT,
        encryption: { sseAlgorithm: 'AES256' },
        replication: {
          versionToken: `v-${b}`,
          configuration: { role, rules: [{ destinations: [{ destinationTableBucketARN: dest }] }] },
        },
        tables,
      },
      { arn: dest, name: `${name}-replica`, ownerAccountId: ACCOUNT },
    );
  }
  return {
    caller: { Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/auditor` },
    buckets,
    roles: [
      {
        RoleName: 'S3TablesReplicationRole',
        Arn: role,
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'replication.s3tables.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        },
        inline: {
          Replication: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['s3tables:*'],
                Resource: '*',
              },
            ],
          },
        },
      },
    ],
  };
}

function runAudit(url, save) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(
      process.execPath,
      [
        CLI,
        'audit',
        '--region',
        'us-east-1',
        '--endpoint-url',
        url,
        '--concurrency',
        String(CONCURRENCY),
        '--save',
        save,
        '-f',
        'json',
      ],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: '/nonexistent',
          AWS_CONFIG_FILE: '/nonexistent',
          AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_ACCESS_KEY_ID: 'AKIDFAKEAWS',
          AWS_SECRET_ACCESS_KEY: 'fake-secret',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr, ms: performance.now() - start }));
  });
}

/** Status documents written, plus tables reported as unreadable: every table must be one or the other. */
function reported(save, stdout) {
  let statuses = 0;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name === 'replication-status.json') statuses++;
    }
  };
  walk(save);
  const unread = JSON.parse(stdout).findings.filter(
    (f) => f.ruleId === 'aws-read-error' && /^GetTableReplicationStatus on /.test(f.message),
  ).length;
  return { statuses, unread };
}

async function measure(Fake, options) {
  const fake = await Fake.start(world(), { latencyMs: LATENCY_MS, ...options });
  const save = scratchDir('s3tl-bench-audit-');
  rmSync(save, { recursive: true, force: true });
  try {
    const run = await runAudit(fake.url, save);
    if (run.status === 2) throw new Error(`audit failed: ${run.stderr.slice(0, 500)}`);
    const answered = fake.requests.filter(
      (r) => r.status !== 429 && !(r.status === 400 && r.action.startsWith('iam:')),
    );
    const keys = answered.map((r) => `${r.action} ${r.resource} ${r.path}`);
    const duplicates = keys.length - new Set(keys).size;
    return {
      ...run,
      requests: fake.requests.length,
      answered: answered.length,
      throttled: fake.requests.length - answered.length,
      duplicates,
      ...reported(save, run.stdout),
    };
  } finally {
    await fake.close();
    rmSync(save, { recursive: true, force: true });
  }
}

export default {
  name: 'aws',
  title: `Audit: ${BUCKETS * TABLES_PER_BUCKET} tables in ${BUCKETS} buckets, loopback fake AWS, ${LATENCY_MS} ms per call, --concurrency ${CONCURRENCY}`,
  async run({ runs }) {
    const { FakeAws } = await loadFake();
    const n = Math.min(runs, 3);
    const clean = [];
    for (let i = 0; i < n; i++) clean.push(await measure(FakeAws, {}));
    clean.sort((a, b) => a.ms - b.ms);
    const mid = clean[clean.length >> 1];
    // The floor: every answered call at LATENCY_MS, CONCURRENCY at a time, nothing else.
    const floor = (mid.answered * LATENCY_MS) / CONCURRENCY;
    const throttled = await measure(FakeAws, { throttleRate: 0.1, seed: 11 });
    const tables = BUCKETS * TABLES_PER_BUCKET;
    return {
      rows: [
        ['floor (calls × latency / concurrency)', `${floor.toFixed(0)} ms`, '–'],
        [
          `audit (median of ${n})`,
          `${mid.ms.toFixed(0)} ms [${clean[0].ms.toFixed(0)}–${clean[clean.length - 1].ms.toFixed(0)}], ${mid.requests} requests, ${mid.duplicates} repeated`,
          '–',
        ],
        [
          'audit, 10% throttled',
          `${throttled.ms.toFixed(0)} ms, ${throttled.requests} requests (${throttled.throttled} throttled), ${throttled.statuses}/${tables} statuses read, ${throttled.unread} reported unreadable`,
          '–',
        ],
      ],
      note: `ratio to floor ${(mid.ms / floor).toFixed(2)}×; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (the fake and the CLI share the machine's cores)`,
      goals: [
        goal('audit time', mid.ms / 1000, 5, ' s'),
        goal('calls repeated for the same resource', mid.duplicates, 0, ''),
        goal(
          'tables not reported under 10% throttling',
          tables - throttled.statuses - throttled.unread,
          0,
          '',
        ),
      ],
    };
  },
};
