/** Least-privilege policies for one replication configuration, as JSON, CloudFormation or Terraform. */
import { UsageError } from '../errors.js';
import type { Model, Setup } from '../model.js';
import { escapeControl } from '../text.js';
import {
  callerApiReference,
  callerRequired,
  callerUserGuide,
  destinationGrants,
  isComplete,
  REPLICATION_SERVICE,
  roleRequired,
  statementFor,
  trustStatement,
  type Complete,
  type Grant,
} from './catalogue.js';

export const SUGGEST_FORMATS = ['json', 'cfn', 'terraform'] as const;
export type SuggestFormat = (typeof SUGGEST_FORMATS)[number];

type PolicyJson = { Version: '2012-10-17'; Statement: Record<string, unknown>[] };

/** The least-privilege documents for one replication configuration. */
export interface Suggestion {
  /** For the principal that calls Put...Replication. */
  callerPolicy: PolicyJson;
  /** The replication role's permissions policy. */
  rolePolicy: PolicyJson;
  /** The replication role's trust policy. */
  trustPolicy: PolicyJson;
  /** For each destination in another account than the role: its table bucket policy. */
  destinationBucketPolicies: { tableBucketARN: string; account: string; policy: PolicyJson }[];
}

const policy = (statements: Record<string, unknown>[]): PolicyJson => ({
  Version: '2012-10-17',
  Statement: statements,
});

/** Grants with the same Sid stem (CreateInDestination1, 2, ...) and actions become one statement. */
function merged(grants: readonly Grant[], principal?: string): Record<string, unknown>[] {
  const groups = new Map<string, { grant: Grant; resources: string[] }>();
  for (const g of grants) {
    const stem = g.sid.replace(/\d+/g, '');
    const key = JSON.stringify([stem, g.actions, g.condition ?? null]);
    const group = groups.get(key);
    if (group) {
      if (!group.resources.includes(g.resource)) group.resources.push(g.resource);
    } else groups.set(key, { grant: { ...g, sid: stem }, resources: [g.resource] });
  }
  return [...groups.values()].map(({ grant, resources }) => ({
    ...statementFor(grant, grant.actions, principal),
    Resource: resources.length === 1 ? resources[0] : resources,
  }));
}

export function suggest(l: Complete): Suggestion {
  return {
    callerPolicy: policy(merged([...callerRequired(l), ...callerUserGuide(l), ...callerApiReference(l)])),
    rolePolicy: policy(merged(roleRequired(l))),
    trustPolicy: policy([trustStatement(l)]),
    destinationBucketPolicies: l.destinations
      .filter((d) => d.bucket.account !== l.role.account)
      .map((d) => ({
        tableBucketARN: d.bucket.arn,
        account: d.bucket.account,
        policy: policy(destinationGrants(d.bucket).map((g) => statementFor(g, g.actions, l.role.arn))),
      })),
  };
}

export function renderSuggestion(l: Complete, format: SuggestFormat): string {
  const s = suggest(l);
  if (format === 'json') return `${JSON.stringify(s, null, 2)}\n`;
  return format === 'cfn' ? cloudFormation(l, s) : terraform(l, s);
}

const api = (l: Complete): string =>
  l.source.level === 'table' ? 'PutTableReplication' : 'PutTableBucketReplication';

/** The role's path, e.g. `/service-role/` for `role/service-role/Name`. */
const rolePath = (l: Complete): string => {
  const full = l.role.arn.slice(l.role.arn.indexOf(':role/') + ':role'.length);
  return full.slice(0, full.length - l.role.name.length);
};

/** YAML documents whose bodies are JSON (JSON is YAML): CloudFormation reads them, comments included. */
function cloudFormation(l: Complete, s: Suggestion): string {
  return `${cfnTemplates(l, s)
    .map((t) => t.text.trimEnd())
    .join('\n---\n')}\n`;
}

/** One CloudFormation template, and the file name `suggest --as cfn -o DIR` gives it. */
export interface Template {
  file: string;
  account: string;
  region?: string;
  text: string;
}

/**
 * One template per stack `aws cloudformation deploy` would make: the role and the caller's policy in
 * the role's account (IAM is global), and per other account and region (a stack is regional) the
 * destinations' table bucket policies there.
 */
export function cfnTemplates(l: Complete, s: Suggestion): Template[] {
  const path = rolePath(l);
  const out: Template[] = [
    {
      file: `${l.role.account}-replication-role.yaml`,
      account: l.role.account,
      text:
        `# Account ${escapeControl(l.role.account)}: the replication role, assumed by ${REPLICATION_SERVICE}, and a managed\n` +
        `# policy to attach to the principal that calls ${api(l)}. Deploy with --capabilities CAPABILITY_NAMED_IAM.\n` +
        `${JSON.stringify(
          {
            AWSTemplateFormatVersion: '2010-09-09',
            Resources: {
              ReplicationRole: {
                Type: 'AWS::IAM::Role',
                Properties: {
                  RoleName: l.role.name,
                  ...(path !== '/' ? { Path: path } : {}),
                  AssumeRolePolicyDocument: s.trustPolicy,
                  Policies: [{ PolicyName: 'S3TablesReplication', PolicyDocument: s.rolePolicy }],
                },
              },
              ReplicationCallerPolicy: {
                Type: 'AWS::IAM::ManagedPolicy',
                Properties: {
                  Description: `Lets its principal set up S3 Tables replication with ${api(l)}`,
                  PolicyDocument: s.callerPolicy,
                },
              },
            },
          },
          null,
          2,
        )}\n`,
    },
  ];
  const groups = new Map<
    string,
    { account: string; region: string; resources: Record<string, unknown>; arns: string[] }
  >();
  s.destinationBucketPolicies.forEach((b, i) => {
    const region = b.tableBucketARN.split(':')[3] ?? '';
    // A file name: nothing from input but letters, digits and dashes.
    const key = `${b.account}-${region}`.replace(/[^A-Za-z0-9-]/g, '_');
    const group = groups.get(key) ?? { account: b.account, region, resources: {}, arns: [] };
    group.resources[`DestinationBucketPolicy${i + 1}`] = {
      Type: 'AWS::S3Tables::TableBucketPolicy',
      Properties: { TableBucketARN: b.tableBucketARN, ResourcePolicy: b.policy },
    };
    group.arns.push(b.tableBucketARN);
    groups.set(key, group);
  });
  for (const [key, g] of groups)
    out.push({
      file: `${key}-destination-bucket-policies.yaml`,
      account: g.account,
      region: g.region,
      text:
        `# Account ${escapeControl(g.account)}, Region ${escapeControl(g.region)}: the table bucket policy of destination ${escapeControl(g.arns.join(', '))}.\n` +
        `${JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: g.resources }, null, 2)}\n`,
    });
  return out;
}

/**
 * JSON text as HCL: template sequences escaped (`$${`, `%%{`: a crafted ARN must not become an
 * interpolation) and JSON's `\b` and `\f`, which HCL lacks, as `\u` escapes.
 */
const hclText = (json: string): string =>
  json
    .replace(/\\([\s\S])/g, (all, c: string) => (c === 'b' ? '\\u0008' : c === 'f' ? '\\u000c' : all))
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, '%%{');

/** An HCL string literal. */
const hclString = (s: string): string => hclText(JSON.stringify(s));

/** A JSON value as HCL, escaped as above and laid out as `terraform fmt` lays it out (`"Key" : value`). */
const hcl = (value: unknown): string =>
  `jsonencode(${hclText(JSON.stringify(value, null, 2))
    // A key is the first string on its line, right before ": " (array items end in "," or nothing).
    .replace(/^(\s*"(?:[^"\\]|\\.)*"): /gm, '$1 : ')
    .replace(/\n/g, '\n  ')})`;

/** A destination's bucket ARN → its region, for the provider of its account. */
const regionOf = (arn: string): string => arn.split(':')[3] ?? '';
/** The provider alias for an account and region (one per pair: a provider has one region). */
const alias = (account: string, region: string): string =>
  `account_${account}_${region}`.replace(/[^A-Za-z0-9_]/g, '_');

function terraform(l: Complete, s: Suggestion): string {
  const path = rolePath(l);
  // terraform fmt aligns the = of consecutive one-line attributes; a multi-line one stands alone.
  const providers = new Map<string, { account: string; region: string }>();
  for (const b of s.destinationBucketPolicies) {
    const region = regionOf(b.tableBucketARN);
    providers.set(alias(b.account, region), { account: b.account, region });
  }
  const blocks = [
    `# Account ${escapeControl(l.role.account)}: the replication role, assumed by ${REPLICATION_SERVICE}.
resource "aws_iam_role" "s3tables_replication" {
  name = ${hclString(l.role.name)}${path !== '/' ? `\n  path = ${hclString(path)}` : ''}
  assume_role_policy = ${hcl(s.trustPolicy)}
}`,
    `resource "aws_iam_role_policy" "s3tables_replication" {
  name = "S3TablesReplication"
  role = aws_iam_role.s3tables_replication.id
  policy = ${hcl(s.rolePolicy)}
}`,
    `# Attach to the principal that calls ${api(l)}.
resource "aws_iam_policy" "s3tables_replication_caller" {
  name = "S3TablesReplicationCaller"
  policy = ${hcl(s.callerPolicy)}
}`,
    ...[...providers].map(
      ([
        name,
        p,
      ]) => `# Account ${escapeControl(p.account)}: the destination's table bucket policy is put with credentials of that
# account. Say how this provider gets them (for example an assume_role block).
provider "aws" {
  alias  = ${hclString(name)}
  region = ${hclString(p.region)}
}`,
    ),
    ...s.destinationBucketPolicies.map(
      (b, i) => `# Account ${escapeControl(b.account)}: the destination's table bucket policy.
resource "aws_s3tables_table_bucket_policy" "destination_${i + 1}" {
  provider         = aws.${alias(b.account, regionOf(b.tableBucketARN))}
  table_bucket_arn = ${hclString(b.tableBucketARN)}
  resource_policy = ${hcl(b.policy)}
}`,
    ),
  ];
  return `${blocks.join('\n\n')}\n`;
}

/** The one replication configuration of a suggest run; a usage error when there is not exactly one usable one. */
export function onlyReplication(model: Model, what: string): Complete {
  const problem = model.problems[0];
  if (problem) throw new UsageError(`${problem.doc.file.name}: ${problem.message}`);
  if (model.replications.length !== 1)
    throw new UsageError(
      `${what} must hold one replication configuration (the put-table-replication or put-table-bucket-replication --cli-input-json); it holds ${model.replications.length}`,
    );
  const l = model.setups[0] as Setup;
  if (!l.source)
    throw new UsageError(
      `${what}: the source table or bucket ARN is missing or invalid (Get...Replication output does not name it: --source ARN, or use the Put request)`,
    );
  if (!l.role) throw new UsageError(`${what}: configuration.role is missing or not an IAM role ARN`);
  if (!isComplete(l)) throw new UsageError(`${what}: incomplete replication configuration`);
  return l;
}
