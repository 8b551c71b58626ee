import { evaluate, type Context, type Evaluation, type Request } from './iam/evaluate.js';
import { statementsOf, type Statement } from './iam/policy.js';
import type { BucketRef, LinkedReplication } from './link.js';
import type { PolicyDoc } from './model.js';
import type { Level, Path, RuleContext } from './rule.js';

/** The service principal that assumes the replication role (S3 User Guide, "Setting up S3 Tables replication"). */
export const REPLICATION_SERVICE = 'replication.s3tables.amazonaws.com';

export const PAGES = {
  userGuide: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-tables-replication-setting-up.html',
  putTable: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_s3Buckets_PutTableReplication.html',
  putBucket: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_s3Buckets_PutTableBucketReplication.html',
  passRole: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html',
  confusedDeputy: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
} as const;

/** Some actions on one resource (an ARN, or a pattern meaning every ARN that matches it). */
export interface Grant {
  sid: string;
  actions: string[];
  resource: string;
  /** The condition the pasted statement carries (PassRole). */
  condition?: Record<string, Record<string, string | string[]>>;
  /** The request context the service sends (for evaluation). */
  context?: Context;
}

/** A replication whose source and role are known: everything the permission rules need. */
export interface Complete extends LinkedReplication {
  source: NonNullable<LinkedReplication['source']>;
  role: NonNullable<LinkedReplication['role']>;
}

export const isComplete = (l: LinkedReplication): l is Complete =>
  l.source !== undefined && l.role !== undefined;

const tables = (bucket: BucketRef): string => `${bucket.arn}/table/*`;
/** The source's tables: the table itself (table level) or every table of the bucket (bucket level). */
const sourceTables = (l: Complete): string =>
  l.source.level === 'table' ? l.source.arn : tables(l.source.bucket);
const s3t = (...names: string[]): string[] => names.map((n) => `s3tables:${n}`);

/** What the caller must be allowed, per the S3 User Guide and the API reference (error level). */
export function callerRequired(l: Complete): Grant[] {
  const put = l.source.level === 'table' ? 'PutTableReplication' : 'PutTableBucketReplication';
  return [
    { sid: 'PutReplication', actions: s3t(put), resource: l.source.arn },
    {
      sid: 'PassReplicationRole',
      actions: ['iam:PassRole'],
      resource: l.role.arn,
      condition: { StringEquals: { 'iam:PassedToService': REPLICATION_SERVICE } },
      context: { 'iam:PassedToService': REPLICATION_SERVICE },
    },
  ];
}

/** The User Guide's further caller action: reading the configuration back. */
export function callerUserGuide(l: Complete): Grant[] {
  const get = l.source.level === 'table' ? 'GetTableReplication' : 'GetTableBucketReplication';
  return [{ sid: 'GetReplication', actions: s3t(get), resource: l.source.arn }];
}

/**
 * The API reference's further caller actions. Its `...MaintenanceConfig` names are not IAM actions;
 * the real ones are `...MaintenanceConfiguration`, on tables (the bucket-level actions are `TableBucket...`).
 */
export function callerApiReference(l: Complete): Grant[] {
  const grants: Grant[] = [
    {
      sid: 'ReadSourceForReplication',
      actions: s3t('GetTable', 'GetTableMaintenanceConfiguration'),
      resource: sourceTables(l),
    },
  ];
  if (l.source.level === 'bucket') {
    grants.push({ sid: 'ListSourceTables', actions: s3t('ListTables'), resource: l.source.bucket.arn });
  }
  l.destinations.forEach((d, i) => {
    grants.push(
      {
        sid: `CreateInDestination${i + 1}`,
        actions: s3t('CreateTable', 'CreateNamespace'),
        resource: d.bucket.arn,
      },
      {
        sid: `MaintainDestination${i + 1}Tables`,
        actions: s3t('PutTableMaintenanceConfiguration'),
        resource: tables(d.bucket),
      },
    );
  });
  return grants;
}

/** What the replication role must be allowed (User Guide's role permissions policy). */
export function roleRequired(l: Complete): Grant[] {
  return [
    {
      sid: 'ReadSource',
      actions: s3t(
        'GetTable',
        'GetTableMetadataLocation',
        'GetTableMaintenanceConfiguration',
        'GetTableData',
      ),
      resource: sourceTables(l),
    },
    { sid: 'ListSource', actions: s3t('ListTables'), resource: l.source.bucket.arn },
    ...l.destinations.flatMap((d, i) => destinationGrants(d.bucket, i + 1)),
  ];
}

/**
 * What the role needs on one destination (and what a cross-account bucket policy must grant it).
 * Sids carry the destination's number so that pasted fixes stay unique.
 */
export function destinationGrants(bucket: BucketRef, n: number | '' = ''): Grant[] {
  return [
    { sid: `CreateInDestination${n}`, actions: s3t('CreateTable', 'CreateNamespace'), resource: bucket.arn },
    {
      sid: `WriteDestination${n}Tables`,
      actions: s3t(
        'PutTableData',
        'GetTableData',
        'UpdateTableMetadataLocation',
        'PutTableMaintenanceConfiguration',
      ),
      resource: tables(bucket),
    },
  ];
}

/** The statement to paste for a grant (with a Principal for a resource policy). */
export function statementFor(
  grant: Grant,
  actions = grant.actions,
  principal?: string,
): Record<string, unknown> {
  return {
    Sid: grant.sid,
    Effect: 'Allow',
    ...(principal !== undefined ? { Principal: { AWS: principal } } : {}),
    Action: actions.length === 1 ? actions[0] : actions,
    Resource: grant.resource,
    ...(grant.condition ? { Condition: grant.condition } : {}),
  };
}

/** The trust policy statement for the role; bucket level adds the conditions AWS's CDK stacks deploy. */
export function trustStatement(l: Complete): Record<string, unknown> {
  return {
    Effect: 'Allow',
    Principal: { Service: REPLICATION_SERVICE },
    Action: 'sts:AssumeRole',
    ...(l.source.level === 'bucket' ? { Condition: trustCondition(l) } : {}),
  };
}

export const trustCondition = (l: Complete): Record<string, Record<string, string>> => ({
  StringEquals: { 'aws:SourceAccount': l.source.bucket.account },
  ArnLike: { 'aws:SourceArn': l.source.bucket.arn },
});

/**
 * The context the replication service sends when it assumes the role. `aws:SourceArn` is the source
 * bucket for bucket-level replication (AWS's CDK integration stacks prove it); for table level it is
 * undocumented, so it stays unknown (conditions on it are "cannot tell", never an error).
 */
export function trustContext(l: Complete): Context {
  return {
    'aws:SourceAccount': l.source.bucket.account,
    ...(l.source.level === 'bucket' ? { 'aws:SourceArn': l.source.bucket.arn } : {}),
  };
}

// --- Evaluating grants ----------------------------------------------------------------------------

export interface Gap {
  grant: Grant;
  /** Actions no statement allows. */
  missing: string[];
  /** Actions an explicit Deny blocks, with the deciding Deny statements. */
  denied: { action: string; by: Statement[] }[];
  /** --explain lines for the actions that are not allowed. */
  explain: string[];
}

/** Which actions of each grant the policies do not allow; 'conditional' counts as allowed (cannot tell). */
export function gaps(
  policies: readonly PolicyDoc[],
  grants: readonly Grant[],
  extra: Pick<Request, 'principal'> = {},
): Gap[] {
  const out: Gap[] = [];
  for (const grant of grants) {
    const gap: Gap = { grant, missing: [], denied: [], explain: [] };
    for (const action of grant.actions) {
      const request: Request = { action, resource: grant.resource, ...extra };
      if (grant.context) request.context = grant.context;
      const e = evaluate(policies, request);
      if (e.decision === 'allowed' || e.decision === 'conditional') continue;
      if (e.decision === 'explicit-deny') gap.denied.push({ action, by: e.deniedBy });
      else gap.missing.push(action);
      gap.explain.push(...explainLines(e, `${action} on ${grant.resource}`));
    }
    if (gap.missing.length > 0 || gap.denied.length > 0) out.push(gap);
  }
  return out;
}

/** A statement's place, for messages: `role-policy.json Statement[2] (Sid ReadSource)`. */
export function where(s: Statement): string {
  return `${s.policy.file.name} ${pathText([...s.policy.root, ...s.path])}${s.sid !== undefined ? ` (Sid ${s.sid})` : ''}`;
}

export function pathText(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(root)';
}

/** The trace of one evaluation as --explain lines. */
export function explainLines(e: Evaluation, what: string): string[] {
  const lines = [`${what}: ${e.decision}`];
  if (e.trace.length === 0) lines.push('  no statement in the policies considered');
  for (const t of e.trace) lines.push(`  ${where(t.statement)}: ${t.outcome}: ${t.why}`);
  return lines;
}

/** The document to add a missing grant to: the first one the user owns (not an AWS or customer managed policy). */
export const targetOf = (policies: readonly PolicyDoc[]): PolicyDoc | undefined =>
  policies.find((p) => p.policyArn === undefined && p.origin !== 'get-policy-version') ?? policies[0];

/** Path of the `Statement` element (where a missing statement goes). */
export const STATEMENT: Path = ['Statement'];

export const list = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

export interface GapReport {
  /** Who lacks the permission, for messages: 'the caller', 'role S3TablesReplicationRole'. */
  who: string;
  /** Where the missing statement goes. */
  target: PolicyDoc;
  level?: Level;
  /** For resource policies: the principal the pasted statement names. */
  principal?: string;
  /** Appended to messages, e.g. ' (the S3 User Guide asks for it)'. */
  because?: string;
  /** Describes a grant's resource for messages (e.g. naming a destination). */
  describe?: (grant: Grant) => string;
}

/** Reports each gap: a missing grant on the target's Statement element, a blocking Deny at the Deny. */
export function reportGaps(ctx: Pick<RuleContext, 'report'>, found: readonly Gap[], o: GapReport): void {
  const on = o.describe ?? ((g: Grant) => g.resource);
  const sids = new Set(statementsOf(o.target).map((s) => s.sid));
  const into = `the Statement array of ${o.target.name !== undefined ? `policy ${o.target.name} in ` : ''}${o.target.file.name}`;
  for (const gap of found) {
    if (gap.missing.length > 0) {
      const statement = statementFor(gap.grant, gap.missing, o.principal);
      // Sids must stay unique in a policy: a pasted statement whose Sid is taken goes without one.
      if (sids.has(gap.grant.sid)) delete statement['Sid'];
      ctx.report({
        doc: o.target,
        path: STATEMENT,
        ...(o.level ? { level: o.level } : {}),
        message: `${o.who} is not allowed ${list(gap.missing)} on ${on(gap.grant)}${o.because ?? ''}; add the statement`,
        fix: { description: `add to ${into}`, value: statement },
        explain: gap.explain,
      });
    }
    for (const { action, by } of gap.denied) {
      for (const s of by) {
        ctx.report({
          doc: s.policy,
          path: s.path,
          ...(o.level ? { level: o.level } : {}),
          message: `this Deny stops ${o.who} from ${action} on ${on(gap.grant)}${o.because ?? ''}; narrow it so it does not match`,
          fix: {
            description: `narrow the Deny; what it must leave allowed`,
            value: statementFor(gap.grant, [action], o.principal),
          },
          explain: gap.explain,
        });
      }
    }
  }
}

/**
 * KMS grants the role needs for buckets encrypted with SSE-KMS, as AWS's CDK module grants them
 * (the User Guide's role-policy snippet omits kms:Encrypt on the destination key that its own
 * key-policy step grants). Key ARNs come from put-table-bucket-encryption inputs.
 */
export function kmsRequired(l: Complete, keyOf: (bucketArn: string) => string | undefined): Grant[] {
  const grants: Grant[] = [];
  const source = keyOf(l.source.bucket.arn);
  if (source)
    grants.push({
      sid: 'DecryptSourceKey',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resource: source,
    });
  l.destinations.forEach((d, i) => {
    const key = keyOf(d.bucket.arn);
    if (key)
      grants.push({
        sid: `EncryptDestination${i + 1}Key`,
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
        resource: key,
      });
  });
  return grants;
}

/**
 * With some of the principal's policies unknown (attached managed policies not among the inputs),
 * a grant that seems missing may be in them: keep only what the known policies prove (a Deny).
 */
export const provable = (found: readonly Gap[], unknown: readonly string[]): Gap[] =>
  unknown.length === 0 ? [...found] : found.map((g) => ({ ...g, missing: [] }));

export const unknownReason = (who: string, unknown: readonly string[]): string =>
  `${who}: attached policies ${unknown.join(', ')} are not among the inputs (account authorization details list a policy's document in Policies), so missing grants were not reported`;
