// Evaluator throughput in decisions per second: s3tables-lint's evaluate() and @cloud-copilot/iam-simulate
// (AGPL, devDependency; used here only to compare) on the same requests, in the same run.
// Run on its own (`node bench/evaluator.mjs`, after `npm run build`) or from bench/run.mjs.
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { evaluate } from '../dist/index.js';

const A = '111122223333';
const SRC = `arn:aws:s3tables:us-east-1:${A}:bucket/src`;
const DST = `arn:aws:s3tables:us-west-2:${A}:bucket/dst`;
const ROLE = `arn:aws:iam::${A}:role/s3tables-replication`;
const KEY = `arn:aws:kms:us-west-2:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** A replication role's policies: reads on the source, writes on the destination, PassRole, KMS, guards. */
export const POLICIES = [
  {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadSource',
        Effect: 'Allow',
        Action: ['s3tables:Get*', 's3tables:List*'],
        Resource: [SRC, `${SRC}/table/*`],
      },
      {
        Sid: 'WriteDest',
        Effect: 'Allow',
        Action: ['s3tables:CreateTable', 's3tables:PutTableData', 's3tables:UpdateTableMetadataLocation'],
        Resource: [DST, `${DST}/table/*`],
      },
      {
        Sid: 'Replicate',
        Effect: 'Allow',
        Action: 's3tables:*Replication',
        Resource: `arn:aws:s3tables:*:${A}:bucket/*`,
      },
      {
        Sid: 'PassRole',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: ROLE,
        Condition: { StringEquals: { 'iam:PassedToService': 'replication.s3tables.amazonaws.com' } },
      },
      {
        Sid: 'Kms',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: KEY,
        Condition: {
          StringLike: { 'aws:RequestedRegion': 'us-*' },
          NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' },
        },
      },
    ],
  },
  {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'NoDelete',
        Effect: 'Deny',
        Action: ['s3tables:Delete*'],
        NotResource: `${DST}/table/scratch-*`,
      },
      {
        Sid: 'Tls',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'Network',
        Effect: 'Deny',
        NotAction: 'iam:*',
        Resource: '*',
        Condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '203.0.113.0/24'] } },
      },
      {
        Sid: 'Home',
        Effect: 'Allow',
        Action: 's3tables:*',
        Resource: `arn:aws:s3tables:us-east-1:${A}:bucket/\${aws:username}/*`,
      },
    ],
  },
];

const CONTEXTS = [
  {
    'aws:SecureTransport': 'true',
    'aws:SourceIp': '10.1.2.3',
    'aws:username': 'alice',
    'aws:RequestedRegion': 'us-west-2',
    'aws:MultiFactorAuthAge': '60',
  },
  {
    'aws:SecureTransport': 'false',
    'aws:SourceIp': '203.0.113.9',
    'aws:username': 'src',
    'aws:RequestedRegion': 'eu-west-1',
    'aws:MultiFactorAuthAge': '7200',
  },
  {
    'aws:SecureTransport': 'true',
    'aws:SourceIp': '198.51.100.1',
    'aws:username': 'bob',
    'aws:RequestedRegion': 'us-east-1',
    'aws:MultiFactorAuthAge': '100',
  },
];
const TARGETS = [
  ['s3tables:GetTable', `${SRC}/table/t1`],
  ['s3tables:GetTableData', `${SRC}/table/t2`],
  ['s3tables:PutTableData', `${DST}/table/t1`],
  ['s3tables:DeleteTable', `${DST}/table/scratch-1`],
  ['s3tables:DeleteTable', `${DST}/table/t1`],
  ['s3tables:CreateTable', DST],
  ['s3tables:PutTableBucketReplication', SRC],
  ['s3tables:GetTableBucket', `arn:aws:s3tables:us-east-1:${A}:bucket/alice`],
  ['iam:PassRole', ROLE],
  ['kms:Decrypt', KEY],
];
export const REQUESTS = CONTEXTS.flatMap((ctx) =>
  TARGETS.map(([action, resource]) => ({
    action,
    resource,
    context:
      action === 'iam:PassRole'
        ? { ...ctx, 'iam:PassedToService': 'replication.s3tables.amazonaws.com' }
        : ctx,
  })),
);
const KEYS = [...new Set(REQUESTS.flatMap((r) => Object.keys(r.context)))];

const doc = (data, i) => ({
  kind: 'policy',
  policyType: 'identity',
  origin: 'bare',
  file: { name: `p${i}.json`, text: '', explicit: true },
  root: [],
  data,
});
const ourRequest = (r) => ({ ...r, absent: KEYS.filter((k) => !(k in r.context)) });

/** Runs `step` until `seconds` have passed; returns calls per second. */
async function rate(seconds, step) {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    n += await step();
    elapsed = performance.now() - start;
  }
  return (n * 1000) / elapsed;
}

const ORACLE = { Allowed: 'allowed', ExplicitlyDenied: 'explicit-deny', ImplicitlyDenied: 'implicit-deny' };
async function oracle(r) {
  const result = await runSimulation(
    {
      identityPolicies: POLICIES.map((policy, i) => ({ name: `p${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        principal: `arn:aws:iam::${A}:role/bench`,
        action: r.action,
        resource: { resource: r.resource, accountId: A },
        contextVariables: r.context,
      },
    },
    {},
  );
  return ORACLE[result.result?.analysis?.identityAnalysis?.result] ?? 'error';
}

/** Measures both evaluators; returns decisions per second and how many requests they disagree on. */
export async function benchEvaluator({ seconds = 1 } = {}) {
  const warmDocs = POLICIES.map(doc);
  const requests = REQUESTS.map(ourRequest);
  let disagreements = 0;
  for (let i = 0; i < REQUESTS.length; i++) {
    if (evaluate(warmDocs, requests[i]).decision !== (await oracle(REQUESTS[i]))) disagreements++;
  }
  const warm = await rate(seconds, () => {
    for (const r of requests) evaluate(warmDocs, r);
    return requests.length;
  });
  // Fresh documents every time: statement normalisation and compilation included.
  const cold = await rate(seconds, () => {
    for (const r of requests) evaluate(POLICIES.map(doc), r);
    return requests.length;
  });
  let i = 0;
  const simulate = await rate(seconds * 2, async () => {
    await oracle(REQUESTS[i++ % REQUESTS.length]);
    return 1;
  });
  return { warm, cold, simulate, requests: REQUESTS.length, disagreements };
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');

export function formatEvaluator(r) {
  return [
    `evaluator (${r.requests} requests, 2 policies, 9 statements; ${r.disagreements} disagreements with iam-simulate)`,
    `  s3tables-lint evaluate()   ${fmt(r.warm).padStart(11)} decisions/s  (policies pre-normalised, cached)`,
    `  s3tables-lint evaluate()   ${fmt(r.cold).padStart(11)} decisions/s  (fresh policy objects every call)`,
    `  iam-simulate runSimulation ${fmt(r.simulate).padStart(11)} decisions/s`,
    `  ratio: ${(r.warm / r.simulate).toFixed(0)}× cached, ${(r.cold / r.simulate).toFixed(0)}× uncached (goal ≥ 10×)`,
  ].join('\n');
}

/**
 * A section for bench/run.mjs ({ name, title, run }): measures in a child process (the measurement is
 * asynchronous, run() is not) and reports decisions per second.
 */
export default {
  name: 'evaluator',
  title: 'Policy evaluator throughput, side by side with iam-simulate',
  run() {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--json'], {
      encoding: 'utf8',
    });
    const r = JSON.parse(out);
    const rss = `${(r.maxRssKiB / 1024).toFixed(1)} MB`;
    const ratio = r.warm / r.simulate;
    return {
      note: `${r.requests} requests (2 policies, 9 statements, conditions, a policy variable), each rate over 1-2 s (not a median of runs); ${r.disagreements} disagreements with iam-simulate`,
      rows: [
        ['evaluate(), policies normalised once', `${fmt(r.warm)} decisions/s`, rss],
        ['evaluate(), fresh policy objects every call', `${fmt(r.cold)} decisions/s`, rss],
        ['iam-simulate runSimulation', `${fmt(r.simulate)} decisions/s`, rss],
      ],
      goals: [
        {
          ok: ratio >= 10,
          line: `${ratio >= 10 ? 'ok  ' : 'MISS'} evaluator throughput: ${ratio.toFixed(0)}× iam-simulate (goal ≥ 10×)`,
        },
        {
          ok: r.disagreements === 0,
          line: `${r.disagreements === 0 ? 'ok  ' : 'MISS'} evaluator agrees with iam-simulate: ${r.disagreements} of ${r.requests} requests differ (goal 0)`,
        },
      ],
    };
  },
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchEvaluator();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ ...r, maxRssKiB: process.resourceUsage().maxRSS }));
  } else console.log(formatEvaluator(r));
}
