/**
 * The catalogue of what replication needs: the caller's and the role's permissions, the trust
 * policy, the grants a destination's bucket policy and KMS keys must give, as the S3 User Guide
 * and the API reference state them.
 */
import type { Context } from '../iam/evaluate.js';
import type { BucketRef, Setup } from '../model.js';

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
  /** Request-context values of this grant's call beyond the call's own (iam:PassedToService). */
  context?: Context;
  /** The Region of the API call when it is not the resource's (iam:PassRole: the source's). */
  region?: string;
}

/** A replication whose source and role are known: everything the permission rules need. */
export interface Complete extends Setup {
  source: NonNullable<Setup['source']>;
  role: NonNullable<Setup['role']>;
}

export const isComplete = (l: Setup): l is Complete => l.source !== undefined && l.role !== undefined;

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
      region: l.source.bucket.region,
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

/**
 * KMS grants the role needs for buckets encrypted with SSE-KMS, as AWS's CDK module grants them
 * (the User Guide's role-policy snippet omits kms:Encrypt on the destination key that its own
 * key-policy step grants). Key ARNs come from put-table-bucket-encryption inputs.
 */
export function kmsRequired(l: Complete): Grant[] {
  const grants: Grant[] = [];
  const source = l.source.encryption?.kmsKeyArn;
  if (source)
    grants.push({
      sid: 'DecryptSourceKey',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resource: source,
    });
  l.destinations.forEach((d, i) => {
    const key = d.encryption?.kmsKeyArn;
    if (key)
      grants.push({
        sid: `EncryptDestination${i + 1}Key`,
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
        resource: key,
      });
  });
  return grants;
}
