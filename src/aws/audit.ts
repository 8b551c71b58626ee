// `s3tables-lint audit`: reads an account's table buckets, their replication, tables, the roles the
// configurations name and the destinations' policies and encryption, and writes each as the
// document the offline loader accepts (the AWS CLI's output and input shapes). The offline rules
// then run on those documents, whether saved (--save) or held in memory.
import type { AwsPort, CurrentReplication, TableBucket } from './port.js';
import { decodePolicy, limiter, memo, readError, segment, type ReadError } from './records.js';

export interface AuditOptions {
  regions: readonly string[];
  /** AWS calls in flight at once. */
  concurrency: number;
  /** The tool's name and version, recorded in the audit record. */
  tool: string;
  /** The audit's clock (tests fix it). */
  now?: () => Date;
  /** Called after each AWS call: calls finished, calls started. */
  progress?: (done: number, started: number) => void;
}

/** A document to write: `path` is relative and uses forward slashes. */
export interface AuditFile {
  path: string;
  value: unknown;
}

export interface AuditResult {
  account: string;
  files: AuditFile[];
  errors: ReadError[];
  counts: { buckets: number; tables: number; configurations: number; statuses: number; roles: number };
  /** AWS calls made (each resource once). */
  calls: number;
}

const FAILED = Symbol('failed');
type Read<T> = T | typeof FAILED;

interface Config {
  source: string;
  level: 'table' | 'bucket';
  value: CurrentReplication;
}

export async function runAudit(port: AwsPort, options: AuditOptions): Promise<AuditResult> {
  const limit = limiter(Math.max(1, options.concurrency));
  const once = memo();
  const errors: ReadError[] = [];
  const files = new Map<string, unknown>();
  const configs: Config[] = [];
  const listed = new Set<string>();
  let started = 0;
  let done = 0;
  const counts = { buckets: 0, tables: 0, configurations: 0, statuses: 0, roles: 0 };

  /** One call per key per audit; a failure is recorded once and read as FAILED. */
  const read = <T>(
    key: string,
    task: () => Promise<T>,
    extra: Pick<ReadError, 'subject' | 'config'> = {},
  ): Promise<Read<T>> =>
    once(key, () =>
      limit(async () => {
        started++;
        try {
          return await task();
        } catch (cause) {
          errors.push(readError(cause, extra, { operation: key.split(' ')[0] ?? '', resource: key }));
          return FAILED;
        } finally {
          done++;
          options.progress?.(done, started);
        }
      }),
    );

  const identity = await port.getCallerIdentity();
  const account = identity.account;
  const auditedAt = (options.now?.() ?? new Date()).toISOString();

  // Per bucket: its replication, policy, encryption and tables; per table its replication and status.
  const bucketDocs = async (arn: string, region: string, name: string, owner: string) => {
    const base = `${segment(owner)}/${segment(region)}/buckets/${segment(name)}`;
    const [policy, encryption] = await Promise.all([
      read(`GetTableBucketPolicy ${arn}`, () => port.getTableBucketPolicy(arn)),
      read(`GetTableBucketEncryption ${arn}`, () => port.getTableBucketEncryption(arn)),
    ]);
    if (policy !== FAILED && policy !== undefined)
      files.set(`${base}/policy.json`, { resourcePolicy: decodePolicy(policy) });
    if (encryption !== FAILED && encryption !== undefined)
      files.set(`${base}/encryption.json`, { tableBucketARN: arn, encryptionConfiguration: encryption });
    return base;
  };

  const auditBucket = async (bucket: TableBucket, region: string): Promise<void> => {
    counts.buckets++;
    const owner = bucket.ownerAccountId || account;
    const [base, replication, tables] = await Promise.all([
      bucketDocs(bucket.arn, region, bucket.name, owner),
      read(`GetTableBucketReplication ${bucket.arn}`, () => port.getTableBucketReplication(bucket.arn)),
      read(`ListTables ${bucket.arn}`, () => port.listTables(bucket.arn)),
    ]);
    if (replication !== FAILED && replication !== undefined) {
      files.set(`${base}/replication.json`, {
        tableBucketARN: bucket.arn,
        versionToken: replication.versionToken,
        configuration: replication.configuration,
      });
      configs.push({ source: bucket.arn, level: 'bucket', value: replication });
    }
    if (tables === FAILED) return;
    await Promise.all(
      tables.map(async (table) => {
        counts.tables++;
        // A replica is written by the replication service; it has no configuration of its own.
        if (table.managedByService) return;
        const dir = `${base}/tables/${segment(table.namespace.join('.'))}/${segment(table.name)}`;
        const own = await read(`GetTableReplication ${table.tableARN}`, () =>
          port.getTableReplication(table.tableARN),
        );
        if (own !== FAILED && own !== undefined) {
          files.set(`${dir}/replication.json`, {
            tableArn: table.tableARN,
            versionToken: own.versionToken,
            configuration: own.configuration,
          });
          configs.push({ source: table.tableARN, level: 'table', value: own });
        }
        // Replicated by its own or its bucket's configuration (or unknown: ask).
        if (own === undefined && replication === undefined) return;
        const status = await read(`GetTableReplicationStatus ${table.tableARN}`, () =>
          port.getTableReplicationStatus(table.tableARN).catch((cause: unknown) => {
            // Not replicated (yet): nothing to report.
            if ((cause as { kind?: string }).kind === 'not-found') return undefined;
            throw cause;
          }),
        );
        if (status !== FAILED && status !== undefined) {
          files.set(`${dir}/replication-status.json`, status);
          counts.statuses++;
        }
      }),
    );
  };

  await Promise.all(
    options.regions.map(async (region) => {
      const buckets = await read(`ListTableBuckets ${region}`, () => port.listTableBuckets(region));
      if (buckets === FAILED) return;
      for (const b of buckets) listed.add(b.arn);
      await Promise.all(buckets.map((b) => auditBucket(b, region)));
    }),
  );
  counts.configurations = configs.length;

  // Destinations: existence when no listing showed them, and their policy and encryption.
  const destinations = new Map<string, string>();
  for (const c of configs)
    for (const rule of c.value.configuration.rules)
      for (const d of rule.destinations)
        if (!destinations.has(d.destinationTableBucketARN))
          destinations.set(d.destinationTableBucketARN, c.source);
  // Roles of this account (IAM answers for the caller's account only).
  const roles = new Map<string, string>();
  for (const c of configs)
    if (!roles.has(c.value.configuration.role)) roles.set(c.value.configuration.role, c.source);

  const policies = new Map<string, unknown>();
  const roleEntries: unknown[] = [];
  const managed = (arn: string) =>
    once(`policy ${arn}`, async () => {
      const policy = await read(`GetPolicy ${arn}`, () => port.getPolicy(arn));
      if (policy === FAILED) return;
      const version = await read(`GetPolicyVersion ${arn}:${policy.DefaultVersionId}`, () =>
        port.getPolicyVersion(arn, policy.DefaultVersionId),
      );
      if (version === FAILED) return;
      policies.set(arn, {
        PolicyName: policy.PolicyName,
        Arn: policy.Arn,
        ...(policy.Path ? { Path: policy.Path } : {}),
        DefaultVersionId: policy.DefaultVersionId,
        PolicyVersionList: [
          { Document: decodePolicy(version.Document), VersionId: version.VersionId, IsDefaultVersion: true },
        ],
      });
    });

  await Promise.all([
    ...[...destinations].map(async ([arn, config]) => {
      const parts = /^arn:[^:]+:s3tables:([^:]+):(\d{12}):bucket\/([^/]+)$/.exec(arn);
      if (!parts) return; // the ARN rules report it
      const [, region = '', owner = '', name = ''] = parts;
      if (!listed.has(arn)) {
        const found = await read(`GetTableBucket ${arn}`, () => port.getTableBucket(arn), {
          subject: 'destination',
          config,
        });
        if (found === FAILED) return;
      }
      await bucketDocs(arn, region, name, owner);
    }),
    ...[...roles].map(async ([arn, config]) => {
      const parts = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
      if (!parts) return; // role-arn reports it
      const [, owner = '', name = ''] = parts;
      if (owner !== account) {
        errors.push({
          operation: 'GetRole',
          resource: arn,
          kind: 'other',
          code: 'OtherAccount',
          message: `the role is in account ${owner}; the audit reads IAM in account ${account} only`,
          subject: 'role',
          config,
        });
        return;
      }
      const role = await read(`GetRole ${name}`, () => port.getRole(name), { subject: 'role', config });
      if (role === FAILED) return;
      counts.roles++;
      const [inlineNames, attached] = await Promise.all([
        read(`ListRolePolicies ${name}`, () => port.listRolePolicies(name)),
        read(`ListAttachedRolePolicies ${name}`, () => port.listAttachedRolePolicies(name)),
      ]);
      const inline =
        inlineNames === FAILED
          ? []
          : await Promise.all(
              inlineNames.map(async (policyName) => {
                const doc = await read(`GetRolePolicy ${name}/${policyName}`, () =>
                  port.getRolePolicy(name, policyName),
                );
                return doc === FAILED
                  ? undefined
                  : { PolicyName: policyName, PolicyDocument: decodePolicy(doc) };
              }),
            );
      const boundary = role.PermissionsBoundary?.PermissionsBoundaryArn;
      await Promise.all([
        ...(attached === FAILED ? [] : attached.map((a) => managed(a.PolicyArn))),
        ...(boundary ? [managed(boundary)] : []),
      ]);
      roleEntries.push({
        Path: role.Path ?? '/',
        RoleName: role.RoleName,
        ...(role.RoleId ? { RoleId: role.RoleId } : {}),
        Arn: role.Arn,
        ...(role.CreateDate ? { CreateDate: role.CreateDate } : {}),
        ...(role.AssumeRolePolicyDocument !== undefined
          ? { AssumeRolePolicyDocument: decodePolicy(role.AssumeRolePolicyDocument) }
          : {}),
        RolePolicyList: inline.filter((p) => p !== undefined),
        AttachedManagedPolicies: attached === FAILED ? [] : attached,
        ...(role.PermissionsBoundary ? { PermissionsBoundary: role.PermissionsBoundary } : {}),
      });
    }),
  ]);

  if (roleEntries.length > 0 || policies.size > 0) {
    const byName = (a: unknown, b: unknown) =>
      String((a as { RoleName: string }).RoleName).localeCompare(
        String((b as { RoleName: string }).RoleName),
      );
    files.set(`${segment(account)}/iam/roles.json`, {
      RoleDetailList: roleEntries.sort(byName),
      Policies: [...policies.keys()].sort().map((k) => policies.get(k)),
    });
  }
  errors.sort((a, b) =>
    a.operation === b.operation
      ? a.resource.localeCompare(b.resource)
      : a.operation.localeCompare(b.operation),
  );
  files.set(`${segment(account)}/audit.json`, {
    s3tablesLintAudit: {
      version: 1,
      tool: options.tool,
      account,
      caller: identity.arn,
      regions: [...options.regions],
      auditedAt,
      counts,
      errors,
    },
  });
  return {
    account,
    files: [...files.keys()].sort().map((path) => ({ path, value: files.get(path) })),
    errors,
    counts,
    calls: started + 1,
  };
}
