// Wildcard patterns that made regular-expression matching backtrack (seconds to minutes), whole
// process, each against a twin with a normal pattern of the same size measured in the same rounds,
// and a condition with 10,000 / 20,000 StringLike values (linear: the ratio is about 2×).
// A section of bench/run.mjs (`npm run bench -- --only pathological`), or on its own after a build:
// `node bench/pathological.mjs [--runs N]`; `--write <dir>` only writes the cases and prints the
// commands (to time an older build by hand).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLI, compare, fmtMb, fmtMs, goal, scratchDir } from './lib.mjs';

const A = '111122223333';
const ROLE = `arn:aws:iam::${A}:role/S3TablesReplicationRole`;
/** A 63-character bucket name, the longest S3 Tables allows. */
const BUCKET = `arn:aws:s3tables:us-east-1:${A}:bucket/${'a'.repeat(63)}`;
const SPIKY = '*a*a*a*a*a*a*a*b';
const STARS = '*********x';

const policy = (statement) => ({ Version: '2012-10-17', Statement: [statement] });
const replication = {
  tableBucketARN: BUCKET,
  configuration: {
    role: ROLE,
    rules: [
      { destinations: [{ destinationTableBucketARN: `arn:aws:s3tables:us-west-2:${A}:bucket/replica` }] },
    ],
  },
};
const role = (sourceArn) => ({
  Role: {
    Path: '/',
    RoleName: 'S3TablesReplicationRole',
    RoleId: 'AROAEXAMPLEID1234567',
    Arn: ROLE,
    CreateDate: '2026-10-01T12:00:00+00:00',
    AssumeRolePolicyDocument: policy({
      Effect: 'Allow',
      Principal: { Service: 'replication.s3tables.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': A }, ArnLike: { 'aws:SourceArn': sourceArn } },
    }),
  },
});
const passRole = (condition) =>
  policy({ Effect: 'Allow', Action: 'iam:PassRole', Resource: ROLE, Condition: condition });

/**
 * Each case: files to write and the CLI arguments, once with the pathological pattern and once
 * with a normal one of the same length.
 */
const CASES = [
  {
    label: `Action "s3tables:${STARS}"`,
    make: (bad) => ({
      files: {
        'policy.json': policy({
          Effect: 'Allow',
          Action: `s3tables:${bad ? STARS : 'GetTable*'}`,
          Resource: '*',
        }),
      },
      args: ['policy.json'],
    }),
  },
  {
    label: `Resource "…bucket/${SPIKY}", 63-char bucket`,
    make: (bad) => ({
      files: {
        'replication.json': replication,
        'caller-policy.json': policy({
          Effect: 'Allow',
          Action: 's3tables:*',
          Resource: `arn:aws:s3tables:us-east-1:${A}:bucket/${bad ? SPIKY : `${'a'.repeat(15)}*`}`,
        }),
      },
      args: ['--caller-policy', 'caller-policy.json', 'replication.json'],
    }),
  },
  {
    label: `trust ArnLike aws:SourceArn "…bucket/${SPIKY}"`,
    make: (bad) => ({
      files: {
        'replication.json': replication,
        'role.json': role(`arn:aws:s3tables:us-east-1:${A}:bucket/${bad ? SPIKY : `${'a'.repeat(15)}*`}`),
      },
      args: ['replication.json', 'role.json'],
    }),
  },
  {
    label: `StringLike iam:PassedToService "${STARS}"`,
    make: (bad) => ({
      files: {
        'replication.json': replication,
        'caller-policy.json': passRole({
          StringLike: { 'iam:PassedToService': bad ? STARS : 'replicati*' },
        }),
      },
      args: ['--caller-policy', 'caller-policy.json', 'replication.json'],
    }),
  },
];

/** A PassRole statement whose StringLike condition has n distinct patterns. */
const manyValues = (n) => ({
  files: {
    'replication.json': replication,
    'caller-policy.json': passRole({
      StringLike: {
        'iam:PassedToService': [
          ...Array.from({ length: n - 1 }, (_, i) => `svc-${i}.*.amazonaws.com`),
          'replication.s3tables.amazonaws.com',
        ],
      },
    }),
  },
  args: ['--caller-policy', 'caller-policy.json', 'replication.json'],
});
const VALUE_COUNTS = [10_000, 20_000];

function write(dir, { files, args }) {
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of Object.entries(files))
    writeFileSync(join(dir, name), `${JSON.stringify(data)}\n`);
  return { args: [CLI, ...args.map((a) => (a.endsWith('.json') ? join(dir, a) : a))] };
}

/** Writes every case under `dir`; returns the commands to run (node arguments). */
export function writeCases(dir) {
  const pairs = CASES.map((c, i) => ({
    label: c.label,
    normal: write(join(dir, `case${i}-normal`), c.make(false)),
    bad: write(join(dir, `case${i}-bad`), c.make(true)),
  }));
  const values = VALUE_COUNTS.map((n) => write(join(dir, `values-${n}`), manyValues(n)));
  return { pairs, values };
}

const section = {
  name: 'pathological',
  title:
    'Pathological wildcards (whole process, each vs a same-size normal twin) and 10,000+ condition values',
  run({ runs }) {
    const dir = scratchDir('s3tl-bench-pathological-');
    try {
      const { pairs, values } = writeCases(dir);
      // Exit 0 or 1: these inputs have findings, never an internal error (2).
      const ok = { expectStatus: [0, 1] };
      const [floor, ...measured] = compare(
        [
          { args: ['-e', '0'] },
          ...pairs.flatMap((p) => [
            { args: p.normal.args, options: ok },
            { args: p.bad.args, options: ok },
          ]),
          ...values.map((v) => ({ args: v.args, options: ok })),
        ],
        { runs },
      );
      const rows = [['node -e 0', fmtMs(floor), fmtMb(floor)]];
      const goals = [];
      pairs.forEach((p, k) => {
        const normal = measured[2 * k];
        const bad = measured[2 * k + 1];
        rows.push([`${p.label}: normal twin`, fmtMs(normal), fmtMb(normal)]);
        rows.push([
          `${p.label}: pathological (${(bad.ms / floor.ms).toFixed(2)}× node -e 0, ${(bad.ms / normal.ms).toFixed(2)}× twin)`,
          fmtMs(bad),
          fmtMb(bad),
        ]);
        goals.push(goal(p.label, bad.ms, 1000, ' ms'));
      });
      const [v10, v20] = measured.slice(2 * pairs.length);
      VALUE_COUNTS.forEach((n, k) =>
        rows.push([
          `StringLike with ${n.toLocaleString('en')} values`,
          fmtMs([v10, v20][k]),
          fmtMb([v10, v20][k]),
        ]),
      );
      goals.push(goal('20,000 / 10,000 condition values', v20.ms / v10.ms, 2.5, '×'));
      return {
        note: 'each pathological run must finish in under 1 s; linear values ratio is ≤ 2×',
        rows,
        goals,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default section;

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '11' }, write: { type: 'string' } },
  });
  if (values.write) {
    const { pairs, values: many } = writeCases(values.write);
    for (const p of pairs)
      console.log(
        `${p.label}\n  normal: node ${p.normal.args.join(' ')}\n  bad:    node ${p.bad.args.join(' ')}`,
      );
    VALUE_COUNTS.forEach((n, k) => console.log(`${n} values: node ${many[k].args.join(' ')}`));
  } else {
    const result = section.run({ runs: Number(values.runs) });
    console.log(`## ${section.title}\n${result.note}`);
    for (const [label, t, rss] of result.rows) console.log(`  ${label.padEnd(72)} ${t}  peak RSS ${rss}`);
    for (const g of result.goals) console.log(`  ${g.line}`);
    if (result.goals.some((g) => !g.ok)) process.exitCode = 1;
  }
}
