// Throughput: 10,000 replication-role-like policies (~2 KB each) against a script that only
// reads and JSON.parse-s them.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, compare, fmtMb, fmtMs, goal, scratchDir } from './lib.mjs';

const COUNT = 10_000;

/** A replication role's permissions policy, varied per file so no two are equal. */
export function policy(i) {
  const account = String(100000000000 + i);
  const src = `arn:aws:s3tables:us-east-1:${account}:bucket/source-${i}`;
  const dst = `arn:aws:s3tables:us-west-2:${account}:bucket/replica-${i}`;
  return {
    RoleName: `S3TablesReplicationRole${i}`,
    PolicyName: 'S3TablesReplication',
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadSource',
          Effect: 'Allow',
          Action: [
            's3tables:GetTable',
            's3tables:GetTableMetadataLocation',
            's3tables:GetTableMaintenanceConfiguration',
            's3tables:GetTableData',
          ],
          Resource: `${src}/table/*`,
        },
        { Sid: 'ListSource', Effect: 'Allow', Action: 's3tables:ListTables', Resource: src },
        {
          Sid: 'CreateInDestination',
          Effect: 'Allow',
          Action: ['s3tables:CreateTable', 's3tables:CreateNamespace'],
          Resource: dst,
        },
        {
          Sid: 'WriteDestinationTables',
          Effect: 'Allow',
          Action: [
            's3tables:PutTableData',
            's3tables:GetTableData',
            's3tables:UpdateTableMetadataLocation',
            's3tables:PutTableMaintenanceConfiguration',
          ],
          Resource: `${dst}/table/*`,
        },
        {
          Sid: 'UseKeys',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt'],
          Condition: { StringLike: { 'kms:EncryptionContext:aws:s3:arn': [`${src}/*`, `${dst}/*`] } },
          Resource: [
            `arn:aws:kms:us-east-1:${account}:key/${String(i).padStart(8, '0')}-1111-2222-3333-444455556666`,
            `arn:aws:kms:us-west-2:${account}:key/${String(i).padStart(8, '0')}-7777-8888-9999-000011112222`,
          ],
        },
      ],
    },
  };
}

/** The floor: walk the directory, read and JSON.parse every file, nothing else. */
const baseline = (keep) => `
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
let n = 0;
const kept = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.json')) { ${keep ? 'kept.push(' : '('}JSON.parse(readFileSync(p, 'utf8'))); n++; }
  }
};
walk(process.argv[1]);
if (n === 0) process.exit(3);
`;

export default {
  name: 'many-policies',
  title: `Throughput: ${COUNT.toLocaleString('en')} role policies (~2 KB each) vs read + JSON.parse`,
  run({ runs }) {
    const dir = scratchDir('s3tl-bench-policies-');
    try {
      let bytes = 0;
      for (let i = 0; i < COUNT; i++) {
        // 100 files a folder, as a repository of policies would spread them.
        const sub = join(dir, `team-${Math.floor(i / 100)}`);
        if (i % 100 === 0) mkdirSync(sub);
        const text = `${JSON.stringify(policy(i), null, 2)}\n`;
        bytes += text.length;
        writeFileSync(join(sub, `role-policy-${i}.json`), text);
      }
      // "parse + keep" holds every parsed document until exit, as any linter that links documents
      // must: it shows how much of the gap is the cost of keeping the model, not of linting it.
      const [floor, keep, cli] = compare(
        [
          { args: ['-e', baseline(false), dir], options: { expectStatus: [0] } },
          { args: ['-e', baseline(true), dir], options: { expectStatus: [0] } },
          { args: [CLI, dir], options: { expectStatus: [0, 1] } },
        ],
        { runs },
      );
      return {
        note: `${COUNT} files, ${(bytes / COUNT / 1024).toFixed(2)} KB each on average; CLI exit status ${cli.status}; CPU ratio ${(cli.cpuMs / floor.cpuMs).toFixed(2)}×`,
        rows: [
          ['read + JSON.parse (node -e)', fmtMs(floor), fmtMb(floor)],
          [`read + JSON.parse + keep (${(keep.ms / floor.ms).toFixed(2)}×)`, fmtMs(keep), fmtMb(keep)],
          ['node dist/cli.js <dir>', fmtMs(cli), fmtMb(cli)],
        ],
        goals: [
          goal('throughput ratio', cli.ms / floor.ms, 2, '×'),
          goal('throughput peak RSS', cli.rssMb, 120, ' MB'),
        ],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
