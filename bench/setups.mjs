// Repository scale: per-setup folders (replication config, get-role output, get-role-policy output,
// the destination's bucket policy in another account, KMS encryption), a caller bound in the
// config. Linking must be linear: 2,000 setups over 500 ≤ 5× (linear is 4×), and within 8× of
// reading and parsing the same tree. Then memory with no caller bound: 10,000 identity policies
// and one configuration (passrole-condition grades every identity policy then).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, compare, fmtMb, fmtMs, goal, scratchDir } from './lib.mjs';
import { policy } from './many-policies.mjs';

const SOURCE_ACCOUNT = '111122223333';
const DEST_ACCOUNT = '444455556666';

export function setup(i) {
  const src = `arn:aws:s3tables:us-east-1:${SOURCE_ACCOUNT}:bucket/source-${i}`;
  const dst = `arn:aws:s3tables:us-west-2:${DEST_ACCOUNT}:bucket/replica-${i}`;
  const role = `arn:aws:iam::${SOURCE_ACCOUNT}:role/replication-${i}`;
  const key = `arn:aws:kms:us-east-1:${SOURCE_ACCOUNT}:key/${String(i).padStart(8, '0')}-1111-2222-3333-444455556666`;
  return {
    'replication.json': {
      tableBucketARN: src,
      configuration: { role, rules: [{ destinations: [{ destinationTableBucketARN: dst }] }] },
    },
    'role.json': {
      Role: {
        RoleName: `replication-${i}`,
        Arn: role,
        Path: '/',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'replication.s3tables.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: {
                StringEquals: { 'aws:SourceAccount': SOURCE_ACCOUNT },
                ArnLike: { 'aws:SourceArn': src },
              },
            },
          ],
        },
      },
    },
    'role-policy.json': {
      RoleName: `replication-${i}`,
      PolicyName: 'S3TablesReplication',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              's3tables:GetTable',
              's3tables:GetTableMetadataLocation',
              's3tables:GetTableMaintenanceConfiguration',
              's3tables:GetTableData',
            ],
            Resource: `${src}/table/*`,
          },
          { Effect: 'Allow', Action: 's3tables:ListTables', Resource: src },
          { Effect: 'Allow', Action: ['s3tables:CreateTable', 's3tables:CreateNamespace'], Resource: dst },
          {
            Effect: 'Allow',
            Action: [
              's3tables:PutTableData',
              's3tables:GetTableData',
              's3tables:UpdateTableMetadataLocation',
              's3tables:PutTableMaintenanceConfiguration',
            ],
            Resource: `${dst}/table/*`,
          },
          { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: key },
        ],
      },
    },
    'destination-bucket-policy.json': {
      resourcePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: role },
            Action: ['s3tables:CreateTable', 's3tables:CreateNamespace'],
            Resource: dst,
          },
          {
            Effect: 'Allow',
            Principal: { AWS: role },
            Action: [
              's3tables:PutTableData',
              's3tables:GetTableData',
              's3tables:UpdateTableMetadataLocation',
              's3tables:PutTableMaintenanceConfiguration',
            ],
            Resource: `${dst}/table/*`,
          },
        ],
      }),
    },
    'encryption.json': {
      tableBucketARN: src,
      encryptionConfiguration: { sseAlgorithm: 'aws:kms', kmsKeyArn: key },
    },
  };
}

const CALLER = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['s3tables:*'],
      Resource: [
        `arn:aws:s3tables:*:${SOURCE_ACCOUNT}:bucket/*`,
        `arn:aws:s3tables:*:${DEST_ACCOUNT}:bucket/*`,
      ],
    },
    {
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: `arn:aws:iam::${SOURCE_ACCOUNT}:role/replication-*`,
      Condition: { StringEquals: { 'iam:PassedToService': 'replication.s3tables.amazonaws.com' } },
    },
  ],
};

export function repository(count) {
  const dir = scratchDir(`s3tl-bench-setups-${count}-`);
  for (let i = 0; i < count; i++) {
    const sub = join(dir, `setup-${i}`);
    mkdirSync(sub);
    for (const [name, value] of Object.entries(setup(i)))
      writeFileSync(join(sub, name), `${JSON.stringify(value, null, 2)}\n`);
  }
  writeFileSync(join(dir, 'caller.json'), JSON.stringify(CALLER, null, 2));
  writeFileSync(join(dir, '.s3tables-lint.json'), JSON.stringify({ bindings: { caller: ['caller.json'] } }));
  return dir;
}

const FLOOR = `
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.json')) JSON.parse(readFileSync(p, 'utf8'));
  }
};
walk(process.argv[1]);
`;

export default {
  name: 'setups',
  title:
    'Repository scale: per-setup folders, linked (500 and 2,000 setups), and memory with no caller bound',
  run({ runs }) {
    const small = repository(500);
    const large = repository(2000);
    const noCaller = scratchDir('s3tl-bench-nocaller-');
    try {
      for (let i = 0; i < 10_000; i++) {
        const sub = join(noCaller, `team-${Math.floor(i / 100)}`);
        if (i % 100 === 0) mkdirSync(sub);
        writeFileSync(join(sub, `policy-${i}.json`), JSON.stringify(policy(i).PolicyDocument));
      }
      writeFileSync(join(noCaller, 'replication.json'), JSON.stringify(setup(0)['replication.json']));
      const r = Math.max(3, Math.ceil(runs / 3));
      const [floor, five, two] = compare(
        [
          { args: ['-e', FLOOR, large], options: { expectStatus: [0] } },
          { args: [CLI, small], options: { expectStatus: [0, 1], cwd: small } },
          { args: [CLI, large], options: { expectStatus: [0, 1], cwd: large } },
        ],
        { runs: r },
      );
      const [bare] = compare([{ args: [CLI, noCaller], options: { expectStatus: [0, 1], cwd: noCaller } }], {
        runs: r,
      });
      return {
        note: `5 files a setup plus a bound caller; CLI exit status ${two.status}; median of ${r} runs`,
        rows: [
          ['read + JSON.parse, 2,000 setups', fmtMs(floor), fmtMb(floor)],
          ['s3tables-lint, 500 setups', fmtMs(five), fmtMb(five)],
          ['s3tables-lint, 2,000 setups', fmtMs(two), fmtMb(two)],
          ['s3tables-lint, 10,000 identity policies, no caller', fmtMs(bare), fmtMb(bare)],
        ],
        goals: [
          goal('2,000 over 500 setups', two.ms / five.ms, 5, '×'),
          goal('2,000 setups over read + parse', two.ms / floor.ms, 8, '×'),
          goal('no-caller peak RSS', bare.rssMb, 150, ' MB'),
        ],
      };
    } finally {
      for (const d of [small, large, noCaller]) rmSync(d, { recursive: true, force: true });
    }
  },
};
