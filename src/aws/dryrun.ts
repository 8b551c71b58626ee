// `s3tables-lint dry-run`: checks replication configurations against the account without changing
// it. Reads the source, the current configuration, the destinations, the role and its policies,
// and simulates the caller's required calls; writes what it read as documents (the AWS CLI shapes
// plus one dry-run record per configuration) for the rules to judge.
import type { Model } from '../model.js';
import { callerRequired, isComplete } from '../replication/catalogue.js';
import { Collector, FAILED, type AuditFile } from './collect.js';
import type { AwsPort, CallerIdentity, SimulationResult } from './port.js';
import { segment } from './records.js';

export interface DryRunOptions {
  concurrency: number;
  tool: string;
  now?: () => Date;
  progress?: (done: number, started: number) => void;
}

export interface DryRunResult {
  account: string;
  files: AuditFile[];
  /** Roles whose real documents were read: the inputs' documents of these roles are replaced. */
  roles: string[];
  /** Inputs that could not be checked, and why (no source ARN, ...). */
  notes: string[];
}

/** Who the simulation is for: a role or user ARN, or why there is none. */
export interface Principal {
  arn?: string;
  why?: string;
}

const SESSION = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;

/** SimulatePrincipalPolicy takes users, groups and roles: an assumed-role session maps to its role. */
export async function principalOf(caller: CallerIdentity, c: Collector): Promise<Principal> {
  const session = SESSION.exec(caller.arn);
  if (session) {
    const [, partition = 'aws', account = '', name = ''] = session;
    const role = await c.read(`GetRole ${name}`, () => c.port.getRole(name));
    // The role's ARN carries its path, which the session ARN leaves out.
    return { arn: role !== FAILED && role.Arn ? role.Arn : `arn:${partition}:iam::${account}:role/${name}` };
  }
  if (/^arn:[^:]+:iam::\d{12}:(user|role)\//.test(caller.arn)) return { arn: caller.arn };
  if (/:root$/.test(caller.arn))
    return {
      why: 'the account root user cannot be simulated (SimulatePrincipalPolicy takes users, groups and roles)',
    };
  return {
    why: `${caller.arn} is not a user or a role session, which SimulatePrincipalPolicy cannot simulate`,
  };
}

export async function runDryRun(port: AwsPort, model: Model, options: DryRunOptions): Promise<DryRunResult> {
  const c = new Collector(port, options.concurrency, options.progress);
  const identity = await port.getCallerIdentity();
  const account = identity.account;
  const checkedAt = (options.now?.() ?? new Date()).toISOString();
  const principal = await principalOf(identity, c);
  const notes: string[] = [];
  const records: { name: string; value: unknown }[] = [];
  const seen = new Set<string>();

  await Promise.all(
    model.setups.map(async (linked, n) => {
      const doc = linked.doc;
      if (!linked.source) {
        notes.push(
          `${doc.file.name}: not checked against AWS: it names no source (Get...Replication output, or an ARN the ARN rules reject); use the Put request form with tableArn or tableBucketARN`,
        );
        return;
      }
      const source = linked.source;
      const config = source.arn;
      const errorsBefore = c.errors.length;
      const [found, current] = await Promise.all([
        source.level === 'table'
          ? c.read(`GetTable ${source.arn}`, () => port.getTable(source.arn), { subject: 'source', config })
          : c.read(`GetTableBucket ${source.arn}`, () => port.getTableBucket(source.arn), {
              subject: 'source',
              config,
            }),
        source.level === 'table'
          ? c.read(`GetTableReplication ${source.arn}`, () => port.getTableReplication(source.arn))
          : c.read(`GetTableBucketReplication ${source.arn}`, () =>
              port.getTableBucketReplication(source.arn),
            ),
        c.bucketDocs(source.bucket.arn),
        ...linked.destinations.map(async (d) => {
          const bucket = await c.read(
            `GetTableBucket ${d.bucket.arn}`,
            () => port.getTableBucket(d.bucket.arn),
            {
              subject: 'destination',
              config,
            },
          );
          if (bucket !== FAILED) await c.bucketDocs(d.bucket.arn);
        }),
        ...(linked.role ? [c.role(linked.role.arn, account, config)] : []),
      ]);
      const simulations: (SimulationResult & { context?: unknown })[] = [];
      if (principal.arn && isComplete(linked)) {
        const results = await Promise.all(
          callerRequired(linked).map(async (grant) => {
            const context = Object.entries(grant.context ?? {}).map(([key, value]) => ({
              ContextKeyName: key,
              ContextKeyValues: Array.isArray(value) ? value.map(String) : [String(value)],
              ContextKeyType: 'string',
            }));
            const key = `SimulatePrincipalPolicy ${principal.arn} ${grant.actions.join(',')} ${grant.resource}`;
            const out = await c.read(key, () =>
              port.simulatePrincipalPolicy({
                policySourceArn: principal.arn as string,
                actions: grant.actions,
                resources: [grant.resource],
                ...(context.length > 0 ? { context } : {}),
              }),
            );
            return out === FAILED ? [] : out.map((r) => (context.length > 0 ? { ...r, context } : r));
          }),
        );
        simulations.push(...results.flat());
      }
      // This configuration's own failed reads (shared reads are recorded by the first to make them).
      const errors = c.errors.slice(errorsBefore).filter((e) => !seen.has(`${e.operation} ${e.resource}`));
      for (const e of errors) seen.add(`${e.operation} ${e.resource}`);
      records.push({
        name: `dry-run/${String(n + 1).padStart(3, '0')}-${segment(source.arn.split('/').pop() ?? 'source')}.json`,
        value: {
          s3tablesLintDryRun: {
            version: 1,
            tool: options.tool,
            input: doc.file.name,
            source: source.arn,
            level: source.level,
            checkedAt,
            caller: { arn: identity.arn, ...principal },
            // null: no configuration yet (a 404); absent: it could not be read.
            ...(current === FAILED ? {} : { current: current ?? null }),
            exists: found !== FAILED,
            simulations,
            errors,
          },
        },
      });
    }),
  );
  // Failed reads no configuration's window caught (the caller's role lookup) go to the first record.
  const recorded = new Set(
    records.flatMap((r) => recordErrors(r.value).map((e) => `${e.operation} ${e.resource}`)),
  );
  const rest = c.errors.filter((e) => !recorded.has(`${e.operation} ${e.resource}`));
  if (rest.length > 0 && records[0]) recordErrors(records[0].value).push(...rest);
  c.rolesFile(account);
  const files = [...c.sortedFiles(), ...records.map((r) => ({ path: r.name, value: r.value }))];
  return { account, files, roles: c.roleNames(), notes };
}

const recordErrors = (value: unknown): { operation: string; resource: string }[] =>
  (value as { s3tablesLintDryRun: { errors: { operation: string; resource: string }[] } }).s3tablesLintDryRun
    .errors;
