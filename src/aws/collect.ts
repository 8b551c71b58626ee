// Reads shared by the audit and the dry run: each call once per run, at most `concurrency` at a
// time, failures recorded (never thrown), results kept as the AWS CLI's document shapes.
import type { AwsPort } from './port.js';
import { decodePolicy, limiter, memo, readError, segment, type ReadError } from './records.js';

export const FAILED = Symbol('failed');
export type Read<T> = T | typeof FAILED;

/** A document to write: `path` is relative and uses forward slashes. */
export interface AuditFile {
  path: string;
  value: unknown;
}

export class Collector {
  readonly errors: ReadError[] = [];
  readonly files = new Map<string, unknown>();
  readonly #limit: <T>(task: () => Promise<T>) => Promise<T>;
  readonly #once = memo();
  readonly #policies = new Map<string, unknown>();
  readonly #roles = new Map<string, unknown>();
  started = 0;
  done = 0;

  constructor(
    readonly port: AwsPort,
    concurrency: number,
    private readonly progress?: (done: number, started: number) => void,
  ) {
    this.#limit = limiter(Math.max(1, concurrency));
  }

  /** One call per key per run; a failure is recorded once and read as FAILED. */
  read<T>(
    key: string,
    task: () => Promise<T>,
    extra: Pick<ReadError, 'subject' | 'config'> = {},
  ): Promise<Read<T>> {
    return this.#once(key, () =>
      this.#limit(async () => {
        this.started++;
        try {
          return await task();
        } catch (cause) {
          this.errors.push(readError(cause, extra, { operation: key.split(' ')[0] ?? '', resource: key }));
          return FAILED;
        } finally {
          this.done++;
          this.progress?.(this.done, this.started);
        }
      }),
    );
  }

  /** A bucket's policy and encryption, as `get-table-bucket-policy` and `put-table-bucket-encryption` documents. */
  async bucketDocs(arn: string): Promise<string | undefined> {
    const parts = /^arn:[^:]+:s3tables:([^:]+):(\d{12}):bucket\/([^/]+)$/.exec(arn);
    if (!parts) return undefined;
    const [, region = '', owner = '', name = ''] = parts;
    const base = `${segment(owner)}/${segment(region)}/buckets/${segment(name)}`;
    const [policy, encryption] = await Promise.all([
      this.read(`GetTableBucketPolicy ${arn}`, () => this.port.getTableBucketPolicy(arn)),
      this.read(`GetTableBucketEncryption ${arn}`, () => this.port.getTableBucketEncryption(arn)),
    ]);
    if (policy !== FAILED && policy !== undefined)
      this.files.set(`${base}/policy.json`, { resourcePolicy: decodePolicy(policy) });
    if (encryption !== FAILED && encryption !== undefined)
      this.files.set(`${base}/encryption.json`, { tableBucketARN: arn, encryptionConfiguration: encryption });
    return base;
  }

  /**
   * A role of `account` with its trust policy, inline and attached policies and boundary, kept for
   * `rolesFile` (the `get-account-authorization-details` shape links attached policies by ARN).
   * Returns whether the role was read.
   */
  async role(arn: string, account: string, config?: string): Promise<boolean> {
    const parts = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
    if (!parts) return false; // role-arn reports it
    const [, owner = '', name = ''] = parts;
    const where = { subject: 'role' as const, ...(config ? { config } : {}) };
    if (owner !== account) {
      if (!this.errors.some((e) => e.code === 'OtherAccount' && e.resource === arn))
        this.errors.push({
          operation: 'GetRole',
          resource: arn,
          kind: 'other',
          code: 'OtherAccount',
          message: `the role is in account ${owner}; IAM answers for account ${account} only`,
          ...where,
        });
      return false;
    }
    return this.#once(`role ${name}`, async () => {
      const role = await this.read(`GetRole ${name}`, () => this.port.getRole(name), where);
      if (role === FAILED) return false;
      const [inlineNames, attached] = await Promise.all([
        this.read(`ListRolePolicies ${name}`, () => this.port.listRolePolicies(name)),
        this.read(`ListAttachedRolePolicies ${name}`, () => this.port.listAttachedRolePolicies(name)),
      ]);
      const inline =
        inlineNames === FAILED
          ? []
          : await Promise.all(
              inlineNames.map(async (policyName) => {
                const doc = await this.read(`GetRolePolicy ${name}/${policyName}`, () =>
                  this.port.getRolePolicy(name, policyName),
                );
                return doc === FAILED
                  ? undefined
                  : { PolicyName: policyName, PolicyDocument: decodePolicy(doc) };
              }),
            );
      const boundary = role.PermissionsBoundary?.PermissionsBoundaryArn;
      await Promise.all([
        ...(attached === FAILED ? [] : attached.map((a) => this.managed(a.PolicyArn))),
        ...(boundary ? [this.managed(boundary)] : []),
      ]);
      this.#roles.set(role.RoleName, {
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
      return true;
    });
  }

  /** A managed policy's default version. */
  managed(arn: string): Promise<void> {
    return this.#once(`policy ${arn}`, async () => {
      const policy = await this.read(`GetPolicy ${arn}`, () => this.port.getPolicy(arn));
      if (policy === FAILED) return;
      const version = await this.read(`GetPolicyVersion ${arn}:${policy.DefaultVersionId}`, () =>
        this.port.getPolicyVersion(arn, policy.DefaultVersionId),
      );
      if (version === FAILED) return;
      this.#policies.set(arn, {
        PolicyName: policy.PolicyName,
        Arn: policy.Arn,
        ...(policy.Path ? { Path: policy.Path } : {}),
        DefaultVersionId: policy.DefaultVersionId,
        PolicyVersionList: [
          { Document: decodePolicy(version.Document), VersionId: version.VersionId, IsDefaultVersion: true },
        ],
      });
    });
  }

  /** The roles read, as one `get-account-authorization-details` document under `<account>/iam/`. */
  rolesFile(account: string): void {
    if (this.#roles.size === 0 && this.#policies.size === 0) return;
    this.files.set(`${segment(account)}/iam/roles.json`, {
      RoleDetailList: [...this.#roles.keys()].sort().map((k) => this.#roles.get(k)),
      Policies: [...this.#policies.keys()].sort().map((k) => this.#policies.get(k)),
    });
  }

  /** The role names read (the dry run replaces input documents of these roles). */
  roleNames(): string[] {
    return [...this.#roles.keys()];
  }

  sortedErrors(): ReadError[] {
    return [...this.errors].sort((a, b) =>
      a.operation === b.operation
        ? a.resource.localeCompare(b.resource)
        : a.operation.localeCompare(b.operation),
    );
  }

  sortedFiles(): AuditFile[] {
    return [...this.files.keys()].sort().map((path) => ({ path, value: this.files.get(path) }));
  }
}
