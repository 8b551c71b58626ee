// One policy with many statements, whole process (`node dist/cli.js policy.json`): 1,000 statements
// must lint in ≤ 100 ms, and time must stay linear (10,000 vs 2,500 statements: ≤ 5×, linear is 4×).
// A section of bench/run.mjs (`npm run bench -- --only statements`), or on its own after a build:
// `node bench/statements.mjs [--runs N]`.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLI, compare, fmtMb, fmtMs, goal, scratchDir } from './lib.mjs';

/** Statement i of a realistic identity policy: replication-role, PassRole and KMS statements, varied. */
export function statement(i) {
  const account = String(111122220000 + (i % 10_000)).padStart(12, '0');
  const bucket = `arn:aws:s3tables:us-east-2:${account}:bucket/team-${i}`;
  switch (i % 5) {
    case 0:
      return {
        Sid: `Read${i}`,
        Effect: 'Allow',
        Action: ['s3tables:GetTable', 's3tables:GetTableMetadataLocation', 's3tables:GetTableData'],
        Resource: `${bucket}/table/*`,
        Condition: { StringEquals: { 's3tables:namespace': `ns${i}`, 'aws:ResourceTag/team': `t${i}` } },
      };
    case 1:
      return {
        Sid: `Create${i}`,
        Effect: 'Allow',
        Action: ['s3tables:CreateTable', 's3tables:CreateNamespace', 's3tables:ListTables'],
        Resource: bucket,
      };
    case 2:
      return {
        Sid: `PassRole${i}`,
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: `arn:aws:iam::${account}:role/S3TablesReplicationRole${i}`,
        Condition: { StringEquals: { 'iam:PassedToService': 'replication.s3tables.amazonaws.com' } },
      };
    case 3:
      return {
        Sid: `Keys${i}`,
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: `arn:aws:kms:us-east-2:${account}:key/${String(i).padStart(8, '0')}-1111-2222-3333-444455556666`,
      };
    default:
      return {
        Sid: `DenyDelete${i}`,
        Effect: 'Deny',
        Action: 's3tables:Delete*',
        Resource: `${bucket}/table/*`,
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
      };
  }
}

export const policy = (n) => ({
  Version: '2012-10-17',
  Statement: Array.from({ length: n }, (_, i) => statement(i)),
});

const SIZES = [1_000, 2_500, 10_000];

const section = {
  name: 'statements',
  title: 'One policy with 1,000 / 2,500 / 10,000 statements (node dist/cli.js policy.json)',
  run({ runs }) {
    const dir = scratchDir('s3tl-bench-statements-');
    try {
      const files = SIZES.map((n) => {
        const file = join(dir, `policy-${n}.json`);
        writeFileSync(file, `${JSON.stringify(policy(n), null, 2)}\n`);
        return file;
      });
      // Floors measured in the same rounds: an empty process, and reading + parsing the 1,000-statement file.
      const read = 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))';
      const [empty, parse, ...cli] = compare(
        [
          { args: ['-e', '0'] },
          { args: ['-e', read, files[0]] },
          ...files.map((f) => ({ args: [CLI, f], options: { expectStatus: [0] } })),
        ],
        { runs },
      );
      const [c1000, c2500, c10000] = cli;
      return {
        note: 'the generated policies lint clean (exit 0)',
        rows: [
          ['node -e 0', fmtMs(empty), fmtMb(empty)],
          ['read + JSON.parse, 1,000 statements', fmtMs(parse), fmtMb(parse)],
          ...SIZES.map((n, k) => [`${n.toLocaleString('en')} statements`, fmtMs(cli[k]), fmtMb(cli[k])]),
        ],
        goals: [
          goal('1,000 statements', c1000.ms, 100, ' ms'),
          goal('10,000 / 2,500 statements', c10000.ms / c2500.ms, 5, '×'),
        ],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default section;

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '11' } } });
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run npm run build');
  const result = section.run({ runs: Number(values.runs) });
  console.log(`## ${section.title}\n${result.note}`);
  for (const [label, t, rss] of result.rows) console.log(`  ${label.padEnd(36)} ${t}  peak RSS ${rss}`);
  for (const g of result.goals) console.log(`  ${g.line}`);
  if (result.goals.some((g) => !g.ok)) process.exitCode = 1;
}
