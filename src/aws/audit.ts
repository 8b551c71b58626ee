// `s3tables-lint audit`: reads an account's table buckets, their replication, tables, the roles the
// configurations name and the destinations' policies and encryption, and writes each as the
// document the offline loader accepts (the AWS CLI's output and input shapes). The offline rules
// then run on those documents, whether saved (--save) or held in memory.
import { Collector, FAILED, type AuditFile } from './collect.js';
import type { AwsPort, CurrentReplication, TableBucket } from './port.js';
import { segment, type ReadError } from './records.js';

export type { AuditFile } from './collect.js';

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

export interface AuditResult {
  account: string;
  files: AuditFile[];
  errors: ReadError[];
  counts: { buckets: number; tables: number; configurations: number; statuses: number; roles: number };
  /** AWS calls made (each resource once). */
  calls: number;
}

interface Config {
  source: string;
  level: 'table' | 'bucket';
  value: CurrentReplication;
}

export async function runAudit(port: AwsPort, options: AuditOptions): Promise<AuditResult> {
  const c = new Collector(port, options.concurrency, options.progress);
  const configs: Config[] = [];
  const listed = new Set<string>();
  const counts = { buckets: 0, tables: 0, configurations: 0, statuses: 0, roles: 0 };

  const identity = await port.getCallerIdentity();
  const account = identity.account;
  const auditedAt = (options.now?.() ?? new Date()).toISOString();

  // Per bucket: its replication, policy, encryption and tables; per table its replication and status.
  const auditBucket = async (bucket: TableBucket): Promise<void> => {
    counts.buckets++;
    const [base, replication, tables] = await Promise.all([
      c.bucketDocs(bucket.arn),
      c.read(`GetTableBucketReplication ${bucket.arn}`, () => port.getTableBucketReplication(bucket.arn)),
      c.read(`ListTables ${bucket.arn}`, () => port.listTables(bucket.arn)),
    ]);
    if (base === undefined) return;
    if (replication !== FAILED && replication !== undefined) {
      c.files.set(`${base}/replication.json`, {
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
        const own = await c.read(`GetTableReplication ${table.tableARN}`, () =>
          port.getTableReplication(table.tableARN),
        );
        if (own !== FAILED && own !== undefined) {
          c.files.set(`${dir}/replication.json`, {
            tableArn: table.tableARN,
            versionToken: own.versionToken,
            configuration: own.configuration,
          });
          configs.push({ source: table.tableARN, level: 'table', value: own });
        }
        // Replicated by its own or its bucket's configuration (or unknown: ask).
        if (own === undefined && replication === undefined) return;
        const status = await c.read(`GetTableReplicationStatus ${table.tableARN}`, () =>
          port.getTableReplicationStatus(table.tableARN).catch((cause: unknown) => {
            // Not replicated (yet): nothing to report.
            if ((cause as { kind?: string }).kind === 'not-found') return undefined;
            throw cause;
          }),
        );
        if (status !== FAILED && status !== undefined) {
          c.files.set(`${dir}/replication-status.json`, status);
          counts.statuses++;
        }
      }),
    );
  };

  await Promise.all(
    options.regions.map(async (region) => {
      const buckets = await c.read(`ListTableBuckets ${region}`, () => port.listTableBuckets(region));
      if (buckets === FAILED) return;
      for (const b of buckets) listed.add(b.arn);
      await Promise.all(buckets.map(auditBucket));
    }),
  );
  counts.configurations = configs.length;

  // Destinations (existence when no listing showed them, policy, encryption) and roles, once each.
  const destinations = new Map<string, string>();
  const roles = new Map<string, string>();
  for (const config of configs) {
    if (!roles.has(config.value.configuration.role))
      roles.set(config.value.configuration.role, config.source);
    for (const rule of config.value.configuration.rules)
      for (const d of rule.destinations)
        if (!destinations.has(d.destinationTableBucketARN))
          destinations.set(d.destinationTableBucketARN, config.source);
  }
  await Promise.all([
    ...[...destinations].map(async ([arn, config]) => {
      if (!listed.has(arn)) {
        const found = await c.read(`GetTableBucket ${arn}`, () => port.getTableBucket(arn), {
          subject: 'destination',
          config,
        });
        if (found === FAILED) return;
      }
      await c.bucketDocs(arn);
    }),
    ...[...roles].map(async ([arn, config]) => {
      if (await c.role(arn, account, config)) counts.roles++;
    }),
  ]);
  c.rolesFile(account);
  const errors = c.sortedErrors();
  c.files.set(`${segment(account)}/audit.json`, {
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
  return { account, files: c.sortedFiles(), errors, counts, calls: c.started + 1 };
}
