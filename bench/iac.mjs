// Infrastructure code: a 5 MB CloudFormation template with 2,000 resources (as YAML and as the JSON
// `cdk synth` writes) and a 20 MB Terraform plan, each against a script that only parses the file.
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, compare, fmtMb, fmtMs, goal, scratchDir } from './lib.mjs';

const RESOURCES = 2_000;
/** Of which replication setups (bucket, role, policy); the rest are other resources of a stack. */
const SETUPS = 300;
const TEMPLATE_BYTES = 5 * 1024 * 1024;
const PLAN_BYTES = 20 * 1024 * 1024;
const PLAN_SETUPS = 500;

const tags = (i, n) =>
  Array.from(
    { length: n },
    (_, k) => `        - Key: tag${k}\n          Value: value-${i}-${k}-${'x'.repeat(24)}\n`,
  ).join('');

/** A stack: SETUPS replications with their roles and policies, and queues and functions to fill it. */
function templateYaml() {
  const parts = ["AWSTemplateFormatVersion: '2010-09-09'\nDescription: bench\nResources:\n"];
  for (let i = 0; i < SETUPS; i++) {
    parts.push(`  Role${i}:
    Type: AWS::IAM::Role
    Metadata:
      aws:cdk:path: Stack/Replication${i}/Role/Resource
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              Service: replication.s3tables.amazonaws.com
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                aws:SourceAccount: !Ref AWS::AccountId
              ArnLike:
                aws:SourceArn: !GetAtt Bucket${i}.TableBucketARN
  Policy${i}:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: Replication${i}
      Roles: [!Ref Role${i}]
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: [s3tables:GetTable, s3tables:GetTableMetadataLocation, s3tables:GetTableMaintenanceConfiguration, s3tables:GetTableData]
            Resource: !Sub '\${Bucket${i}.TableBucketARN}/table/*'
          - Effect: Allow
            Action: s3tables:ListTables
            Resource: !GetAtt Bucket${i}.TableBucketARN
          - Effect: Allow
            Action: [s3tables:CreateTable, s3tables:CreateNamespace]
            Resource: !Sub 'arn:\${AWS::Partition}:s3tables:eu-west-1:\${AWS::AccountId}:bucket/replica-${i}'
          - Effect: Allow
            Action: [s3tables:PutTableData, s3tables:GetTableData, s3tables:UpdateTableMetadataLocation, s3tables:PutTableMaintenanceConfiguration]
            Resource: !Sub 'arn:\${AWS::Partition}:s3tables:eu-west-1:\${AWS::AccountId}:bucket/replica-${i}/table/*'
  Bucket${i}:
    Type: AWS::S3Tables::TableBucket
    Properties:
      TableBucketName: source-${i}
      ReplicationConfiguration:
        Role: !GetAtt Role${i}.Arn
        Rules:
          - Destinations:
              - DestinationTableBucketARN: !Sub 'arn:\${AWS::Partition}:s3tables:eu-west-1:\${AWS::AccountId}:bucket/replica-${i}'
`);
  }
  const others = RESOURCES - SETUPS * 3;
  const used = parts.join('').length;
  // Spread the remaining bytes over the other resources as tags (Lambda functions carry many).
  const per = Math.max(1, Math.round((TEMPLATE_BYTES - used) / others / 75));
  for (let i = 0; i < others; i++) {
    parts.push(`  Queue${i}:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub '\${AWS::StackName}-queue-${i}'
      Tags:
${tags(i, per)}`);
  }
  return parts.join('');
}

/**
 * A plan: PLAN_SETUPS replication setups in modules of 50, and Lambda functions (what a large
 * infrastructure mostly is) to the size.
 */
function planJson() {
  const SRC = (i) => `arn:aws:s3tables:us-east-1:111122223333:bucket/source-${i}`;
  const DST = (i) => `arn:aws:s3tables:us-west-2:111122223333:bucket/replica-${i}`;
  const policy = (i) =>
    JSON.stringify({
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
          Resource: `${SRC(i)}/table/*`,
        },
        { Effect: 'Allow', Action: 's3tables:ListTables', Resource: SRC(i) },
        { Effect: 'Allow', Action: ['s3tables:CreateTable', 's3tables:CreateNamespace'], Resource: DST(i) },
        {
          Effect: 'Allow',
          Action: [
            's3tables:PutTableData',
            's3tables:GetTableData',
            's3tables:UpdateTableMetadataLocation',
            's3tables:PutTableMaintenanceConfiguration',
          ],
          Resource: `${DST(i)}/table/*`,
        },
      ],
    });
  const trust = (i) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'replication.s3tables.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': '111122223333' },
            ArnLike: { 'aws:SourceArn': SRC(i) },
          },
        },
      ],
    });
  const changes = [];
  const config = { root_module: { module_calls: {} } };
  let i = 0;
  const padding = (n) =>
    Object.fromEntries(Array.from({ length: n }, (_, k) => [`tag${k}`, `value-${k}-${'x'.repeat(40)}`]));
  for (; i < PLAN_SETUPS; i++) {
    const module = `module.setup_${Math.floor(i / 50)}`;
    const call = (config.root_module.module_calls[`setup_${Math.floor(i / 50)}`] ??= {
      module: { resources: [] },
    });
    const add = (address, type, after, unknown, expressions) => {
      changes.push({
        address: `${module}.${address}`,
        module_address: module,
        mode: 'managed',
        type,
        name: address.split('.')[1],
        change: { actions: ['create'], before: null, after, after_unknown: unknown },
      });
      call.module.resources.push({
        address,
        mode: 'managed',
        type,
        name: address.split('.')[1],
        expressions,
      });
    };
    add(
      `aws_iam_role.r${i}`,
      'aws_iam_role',
      { name: `Replication${i}`, path: '/', assume_role_policy: trust(i), tags: padding(60) },
      { arn: true, id: true },
      {},
    );
    add(
      `aws_iam_role_policy.p${i}`,
      'aws_iam_role_policy',
      { name: `Replication${i}`, policy: policy(i) },
      { id: true, role: true },
      { role: { references: [`aws_iam_role.r${i}.id`, `aws_iam_role.r${i}`] } },
    );
    add(
      `aws_s3tables_table_bucket_replication.b${i}`,
      'aws_s3tables_table_bucket_replication',
      { table_bucket_arn: SRC(i), rule: [{ destination: [{ destination_table_bucket_arn: DST(i) }] }] },
      { role: true, version_token: true },
      { role: { references: [`aws_iam_role.r${i}.arn`, `aws_iam_role.r${i}`] } },
    );
  }
  let size = JSON.stringify(changes).length + JSON.stringify(config).length;
  for (let f = 0; size < PLAN_BYTES; f++) {
    const after = {
      function_name: `fn-${f}`,
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      memory_size: 512,
      environment: [{ variables: padding(20) }],
      tags: padding(10),
    };
    const change = {
      address: `aws_lambda_function.fn${f}`,
      mode: 'managed',
      type: 'aws_lambda_function',
      name: `fn${f}`,
      change: { actions: ['create'], before: null, after, after_unknown: { arn: true, role: true } },
    };
    changes.push(change);
    size += JSON.stringify(change).length;
  }
  return {
    text: `${JSON.stringify({ format_version: '1.2', terraform_version: '1.11.4', resource_changes: changes, configuration: config, planned_values: { root_module: {} } })}\n`,
    setups: i,
  };
}

// The floor: js-yaml (the parser the CLI uses) loading the file with the short forms as tags.
const parseYaml = `
const { readFileSync } = require('node:fs');
const J = require(${JSON.stringify(join(ROOT, 'node_modules/js-yaml'))});
const tags = ['!Ref', '!GetAtt', '!Sub'].flatMap((t) => [
  J.defineScalarTag(t, { resolve: (s) => ({ [t]: s }), identify: () => false }),
  J.defineSequenceTag(t, { create: () => [], addItem: (c, v) => void c.push(v), finalize: (c) => ({ [t]: c }), identify: () => false }),
]);
J.load(readFileSync(process.argv[1], 'utf8'), { schema: J.CORE_SCHEMA.withTags(...tags) });
`;
const parseJson = `JSON.parse(require('node:fs').readFileSync(process.argv[1], 'utf8'))`;

export default {
  name: 'iac',
  title: `Infrastructure code: a ${TEMPLATE_BYTES / 1048576} MB template (${RESOURCES.toLocaleString('en')} resources) and a ${PLAN_BYTES / 1048576} MB Terraform plan vs parsing them alone`,
  run({ runs }) {
    const dir = scratchDir('s3tl-bench-iac-');
    try {
      const yaml = templateYaml();
      const yamlFile = join(dir, 'stack.yaml');
      writeFileSync(yamlFile, yaml);
      const plan = planJson();
      const planFile = join(dir, 'plan.json');
      writeFileSync(planFile, plan.text);
      const [yamlFloor, yamlCli, planFloor, planCli] = compare(
        [
          { args: ['-e', parseYaml, yamlFile], options: { expectStatus: [0] } },
          { args: [CLI, yamlFile], options: { expectStatus: [0, 1] } },
          { args: ['-e', parseJson, planFile], options: { expectStatus: [0] } },
          { args: [CLI, planFile], options: { expectStatus: [0, 1] } },
        ],
        { runs },
      );
      const mb = (s) => (s.length / 1048576).toFixed(1);
      return {
        note: `template: ${mb(yaml)} MB YAML, ${RESOURCES} resources (${SETUPS} replication setups), CLI exit ${yamlCli.status}; plan: ${mb(plan.text)} MB, ${plan.setups} setups in modules, CLI exit ${planCli.status}`,
        rows: [
          ['js-yaml load (node -e)', fmtMs(yamlFloor), fmtMb(yamlFloor)],
          [
            `node dist/cli.js stack.yaml (${(yamlCli.ms / yamlFloor.ms).toFixed(2)}×)`,
            fmtMs(yamlCli),
            fmtMb(yamlCli),
          ],
          ['plan: read + JSON.parse (node -e)', fmtMs(planFloor), fmtMb(planFloor)],
          [
            `node dist/cli.js plan.json (${(planCli.ms / planFloor.ms).toFixed(2)}×)`,
            fmtMs(planCli),
            fmtMb(planCli),
          ],
        ],
        goals: [
          goal('5 MB template', yamlCli.ms / 1000, 1, ' s'),
          goal('20 MB plan', planCli.ms / 1000, 2, ' s'),
        ],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
