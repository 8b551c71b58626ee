// The AwsPort on the AWS SDK for JavaScript v3. The SDK packages are loaded inside createSdkPort,
// so that even a bundle that inlines this module loads no SDK code until an AWS command runs.
// Credentials, Region resolution, signing and retries are the SDK's.
import { createRequire } from 'node:module';
import type * as AccountSdk from '@aws-sdk/client-account';
import type * as S3TablesSdk from '@aws-sdk/client-s3tables';
import type * as IamSdk from '@aws-sdk/client-iam';
import type * as StsSdk from '@aws-sdk/client-sts';
import {
  AwsError,
  type AwsErrorKind,
  type AwsPort,
  type CurrentReplication,
  type PortOptions,
  type ReplicationConfiguration,
  type SimulationResult,
  type TableBucket,
  type TableSummary,
} from './port.js';

type Account = typeof AccountSdk;
type S3Tables = typeof S3TablesSdk;
type Iam = typeof IamSdk;
type Sts = typeof StsSdk;
type S3TablesClient = S3TablesSdk.S3TablesClient;
type IAMClient = IamSdk.IAMClient;
type STSClient = StsSdk.STSClient;

export interface SdkPort extends AwsPort {
  /** The Region from the options or the SDK's chain (AWS_REGION, the profile), if any. */
  defaultRegion(): Promise<string | undefined>;
  /** The Regions enabled for the account (Account ListRegions: ENABLED and ENABLED_BY_DEFAULT). */
  listEnabledRegions(): Promise<string[]>;
  /** Closes the clients' sockets. */
  close(): void;
}

/** Loads the SDK clients and builds the port. */
export async function createSdkPort(options: PortOptions = {}): Promise<SdkPort> {
  // The SDK warns on Node 20 on stderr: that text is not the linter's to print.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  // require, not import(): the CLI runs as a CommonJS bundle compiled with a code cache, where
  // import() has no loader to call; the packages ship CommonJS.
  const load = createRequire(import.meta.url);
  const s3t = load('@aws-sdk/client-s3tables') as S3Tables;
  const iam = load('@aws-sdk/client-iam') as Iam;
  const sts = load('@aws-sdk/client-sts') as Sts;
  // Only `--regions all` needs the Account API: loaded on that first call.
  const account = (): Account => load('@aws-sdk/client-account') as Account;
  return new Sdk(s3t, iam, sts, options, account);
}

const DEFAULT_ATTEMPTS = 6;

class Sdk implements SdkPort {
  readonly #tables = new Map<string, S3TablesClient>();
  #iam?: IAMClient;
  #sts?: STSClient;
  readonly #config: Record<string, unknown>;

  constructor(
    private readonly s3t: S3Tables,
    private readonly iamSdk: Iam,
    private readonly stsSdk: Sts,
    private readonly options: PortOptions,
    private readonly accountSdk: () => Account,
  ) {
    this.#config = {
      ...(options.profile !== undefined ? { profile: options.profile } : {}),
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
      // Retries (throttling included) are the SDK's: its standard mode (exponential backoff with
      // jitter) unless AWS_RETRY_MODE or the profile's retry_mode says otherwise. Adaptive mode
      // also rate-limits the whole client after each throttle; under throttling that is not
      // caused by load (10% of answers in the bench) it slows an audit from seconds to minutes.
      // AWS_MAX_ATTEMPTS (or max_attempts in the profile) wins over the default when set.
      ...(options.maxAttempts !== undefined || !process.env['AWS_MAX_ATTEMPTS']
        ? { maxAttempts: options.maxAttempts ?? DEFAULT_ATTEMPTS }
        : {}),
    };
  }

  async defaultRegion(): Promise<string | undefined> {
    if (this.options.region) return this.options.region;
    try {
      const client = new this.stsSdk.STSClient(this.#config);
      const region = await client.config.region();
      client.destroy();
      return region || undefined;
    } catch {
      return undefined;
    }
  }

  close(): void {
    for (const c of this.#tables.values()) c.destroy();
    this.#iam?.destroy();
    this.#sts?.destroy();
  }

  private tables(region: string): S3TablesClient {
    let client = this.#tables.get(region);
    if (!client) {
      client = new this.s3t.S3TablesClient({ ...this.#config, region });
      this.#tables.set(region, client);
    }
    return client;
  }

  private get iam(): IAMClient {
    // IAM is global; the Region only picks the partition's endpoint and the signing Region.
    return (this.#iam ??= new this.iamSdk.IAMClient({
      ...this.#config,
      ...(this.options.region ? { region: this.options.region } : {}),
    }));
  }

  private get sts(): STSClient {
    return (this.#sts ??= new this.stsSdk.STSClient({
      ...this.#config,
      ...(this.options.region ? { region: this.options.region } : {}),
    }));
  }

  async listEnabledRegions(): Promise<string[]> {
    const sdk = this.accountSdk();
    // The Account API is global: its endpoint is in us-east-1 of the partition.
    const client = new sdk.AccountClient({ ...this.#config, region: this.options.region ?? 'us-east-1' });
    const out: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await call('ListRegions', '', () =>
          client.send(
            new sdk.ListRegionsCommand({
              RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'],
              ...(token ? { NextToken: token } : {}),
            }),
          ),
        );
        for (const r of page.Regions ?? []) if (r.RegionName) out.push(r.RegionName);
        token = page.NextToken || undefined;
      } while (token);
    } finally {
      client.destroy();
    }
    return out.sort();
  }

  async getCallerIdentity() {
    const out = await call('GetCallerIdentity', '', () =>
      this.sts.send(new this.stsSdk.GetCallerIdentityCommand({})),
    );
    return { account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? '' };
  }

  async listTableBuckets(region: string): Promise<TableBucket[]> {
    const out: TableBucket[] = [];
    let token: string | undefined;
    do {
      const page = await call('ListTableBuckets', region, () =>
        this.tables(region).send(
          new this.s3t.ListTableBucketsCommand(token ? { continuationToken: token } : {}),
        ),
      );
      for (const b of page.tableBuckets ?? []) out.push(bucket(b));
      token = page.continuationToken || undefined;
    } while (token);
    return out;
  }

  async getTableBucket(bucketArn: string): Promise<TableBucket> {
    const out = await call('GetTableBucket', bucketArn, () =>
      this.tables(regionOf(bucketArn)).send(
        new this.s3t.GetTableBucketCommand({ tableBucketARN: bucketArn }),
      ),
    );
    return bucket(out);
  }

  async listTables(bucketArn: string): Promise<TableSummary[]> {
    const out: TableSummary[] = [];
    let token: string | undefined;
    do {
      const page = await call('ListTables', bucketArn, () =>
        this.tables(regionOf(bucketArn)).send(
          new this.s3t.ListTablesCommand({
            tableBucketARN: bucketArn,
            ...(token ? { continuationToken: token } : {}),
          }),
        ),
      );
      for (const t of page.tables ?? []) {
        const summary: TableSummary = {
          namespace: t.namespace ?? [],
          name: t.name ?? '',
          tableARN: t.tableARN ?? '',
        };
        if (t.type) summary.type = t.type;
        if (t.createdAt) summary.createdAt = t.createdAt.toISOString();
        if (t.modifiedAt) summary.modifiedAt = t.modifiedAt.toISOString();
        if (t.managedByService) summary.managedByService = t.managedByService;
        out.push(summary);
      }
      token = page.continuationToken || undefined;
    } while (token);
    return out;
  }

  async getTable(tableArn: string) {
    const out = await call('GetTable', tableArn, () =>
      this.tables(regionOf(tableArn)).send(new this.s3t.GetTableCommand({ tableArn })),
    );
    const source = out.managedTableInformation?.replicationInformation?.sourceTableARN;
    return {
      tableARN: out.tableARN ?? tableArn,
      name: out.name ?? '',
      namespace: out.namespace ?? [],
      ...(out.versionToken ? { versionToken: out.versionToken } : {}),
      ...(out.managedByService ? { managedByService: out.managedByService } : {}),
      ...(source ? { replicaOf: source } : {}),
    };
  }

  async getTableBucketReplication(bucketArn: string): Promise<CurrentReplication | undefined> {
    const out = await absent(
      call('GetTableBucketReplication', bucketArn, () =>
        this.tables(regionOf(bucketArn)).send(
          new this.s3t.GetTableBucketReplicationCommand({ tableBucketARN: bucketArn }),
        ),
      ),
    );
    return out && replication(out);
  }

  async getTableReplication(tableArn: string): Promise<CurrentReplication | undefined> {
    const out = await absent(
      call('GetTableReplication', tableArn, () =>
        this.tables(regionOf(tableArn)).send(new this.s3t.GetTableReplicationCommand({ tableArn })),
      ),
    );
    return out && replication(out);
  }

  async getTableReplicationStatus(tableArn: string) {
    const out = await call('GetTableReplicationStatus', tableArn, () =>
      this.tables(regionOf(tableArn)).send(new this.s3t.GetTableReplicationStatusCommand({ tableArn })),
    );
    return {
      sourceTableArn: out.sourceTableArn ?? tableArn,
      destinations: (out.destinations ?? []).map((d) => {
        const last = d.lastSuccessfulReplicatedUpdate;
        return {
          replicationStatus: d.replicationStatus ?? '',
          destinationTableBucketArn: d.destinationTableBucketArn ?? '',
          ...(d.destinationTableArn ? { destinationTableArn: d.destinationTableArn } : {}),
          ...(last
            ? {
                lastSuccessfulReplicatedUpdate: {
                  metadataLocation: last.metadataLocation ?? '',
                  timestamp: last.timestamp?.toISOString() ?? '',
                },
              }
            : {}),
          ...(d.failureMessage !== undefined ? { failureMessage: d.failureMessage } : {}),
        };
      }),
    };
  }

  async getTableBucketPolicy(bucketArn: string): Promise<string | undefined> {
    const out = await absent(
      call('GetTableBucketPolicy', bucketArn, () =>
        this.tables(regionOf(bucketArn)).send(
          new this.s3t.GetTableBucketPolicyCommand({ tableBucketARN: bucketArn }),
        ),
      ),
    );
    return out?.resourcePolicy;
  }

  async getTableBucketEncryption(bucketArn: string) {
    const out = await absent(
      call('GetTableBucketEncryption', bucketArn, () =>
        this.tables(regionOf(bucketArn)).send(
          new this.s3t.GetTableBucketEncryptionCommand({ tableBucketARN: bucketArn }),
        ),
      ),
    );
    const c = out?.encryptionConfiguration;
    if (!c) return undefined;
    return {
      ...(c.sseAlgorithm ? { sseAlgorithm: c.sseAlgorithm } : {}),
      ...(c.kmsKeyArn ? { kmsKeyArn: c.kmsKeyArn } : {}),
    };
  }

  async getRole(roleName: string) {
    const out = await call('GetRole', roleName, () =>
      this.iam.send(new this.iamSdk.GetRoleCommand({ RoleName: roleName })),
    );
    const r = out.Role;
    if (!r) throw new AwsError('other', 'EmptyResponse', 'GetRole', roleName, 'GetRole returned no role');
    const boundary = r.PermissionsBoundary;
    return {
      RoleName: r.RoleName ?? roleName,
      Arn: r.Arn ?? '',
      ...(r.RoleId ? { RoleId: r.RoleId } : {}),
      ...(r.Path ? { Path: r.Path } : {}),
      ...(r.CreateDate ? { CreateDate: r.CreateDate.toISOString() } : {}),
      ...(r.AssumeRolePolicyDocument !== undefined
        ? { AssumeRolePolicyDocument: r.AssumeRolePolicyDocument }
        : {}),
      ...(boundary?.PermissionsBoundaryArn
        ? {
            PermissionsBoundary: {
              PermissionsBoundaryType: boundary.PermissionsBoundaryType ?? 'Policy',
              PermissionsBoundaryArn: boundary.PermissionsBoundaryArn,
            },
          }
        : {}),
    };
  }

  async listRolePolicies(roleName: string): Promise<string[]> {
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const page = await call('ListRolePolicies', roleName, () =>
        this.iam.send(
          new this.iamSdk.ListRolePoliciesCommand({
            RoleName: roleName,
            ...(marker ? { Marker: marker } : {}),
          }),
        ),
      );
      names.push(...(page.PolicyNames ?? []));
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    return names;
  }

  async getRolePolicy(roleName: string, policyName: string): Promise<string> {
    const out = await call('GetRolePolicy', `${roleName}/${policyName}`, () =>
      this.iam.send(new this.iamSdk.GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })),
    );
    return out.PolicyDocument ?? '';
  }

  async listAttachedRolePolicies(roleName: string) {
    const out: { PolicyName: string; PolicyArn: string }[] = [];
    let marker: string | undefined;
    do {
      const page = await call('ListAttachedRolePolicies', roleName, () =>
        this.iam.send(
          new this.iamSdk.ListAttachedRolePoliciesCommand({
            RoleName: roleName,
            ...(marker ? { Marker: marker } : {}),
          }),
        ),
      );
      for (const p of page.AttachedPolicies ?? [])
        if (p.PolicyArn) out.push({ PolicyName: p.PolicyName ?? '', PolicyArn: p.PolicyArn });
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    return out;
  }

  async getPolicy(policyArn: string) {
    const out = await call('GetPolicy', policyArn, () =>
      this.iam.send(new this.iamSdk.GetPolicyCommand({ PolicyArn: policyArn })),
    );
    const p = out.Policy;
    return {
      PolicyName: p?.PolicyName ?? '',
      Arn: p?.Arn ?? policyArn,
      DefaultVersionId: p?.DefaultVersionId ?? '',
      ...(p?.Path ? { Path: p.Path } : {}),
    };
  }

  async getPolicyVersion(policyArn: string, versionId: string) {
    const out = await call('GetPolicyVersion', `${policyArn}:${versionId}`, () =>
      this.iam.send(new this.iamSdk.GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId })),
    );
    const v = out.PolicyVersion;
    return {
      VersionId: v?.VersionId ?? versionId,
      IsDefaultVersion: v?.IsDefaultVersion ?? false,
      Document: v?.Document ?? '',
    };
  }

  async simulatePrincipalPolicy(request: {
    policySourceArn: string;
    actions: string[];
    resources?: string[];
    context?: { ContextKeyName: string; ContextKeyValues: string[]; ContextKeyType: string }[];
  }): Promise<SimulationResult[]> {
    const results: SimulationResult[] = [];
    let marker: string | undefined;
    do {
      const page = await call('SimulatePrincipalPolicy', request.policySourceArn, () =>
        this.iam.send(
          new this.iamSdk.SimulatePrincipalPolicyCommand({
            PolicySourceArn: request.policySourceArn,
            ActionNames: request.actions,
            ...(request.resources ? { ResourceArns: request.resources } : {}),
            ...(request.context
              ? {
                  ContextEntries: request.context.map((c) => ({
                    ContextKeyName: c.ContextKeyName,
                    ContextKeyValues: c.ContextKeyValues,
                    // The SDK's enum type; the values are the API's.
                    ContextKeyType: c.ContextKeyType as 'string',
                  })),
                }
              : {}),
            ...(marker ? { Marker: marker } : {}),
          }),
        ),
      );
      for (const r of page.EvaluationResults ?? []) {
        const result: SimulationResult = {
          action: r.EvalActionName ?? '',
          decision: r.EvalDecision ?? '',
          missingContextValues: r.MissingContextValues ?? [],
          matchedStatements: (r.MatchedStatements ?? []).map((s) => ({
            ...(s.SourcePolicyId ? { sourcePolicyId: s.SourcePolicyId } : {}),
            ...(s.SourcePolicyType ? { sourcePolicyType: s.SourcePolicyType } : {}),
          })),
        };
        if (r.EvalResourceName) result.resource = r.EvalResourceName;
        const org = r.OrganizationsDecisionDetail?.AllowedByOrganizations;
        if (org !== undefined) result.allowedByOrganizations = org;
        const boundary = r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary;
        if (boundary !== undefined) result.allowedByPermissionsBoundary = boundary;
        results.push(result);
      }
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    return results;
  }
}

function bucket(b: {
  arn?: string;
  name?: string;
  ownerAccountId?: string;
  createdAt?: Date;
  tableBucketId?: string;
  type?: string;
}): TableBucket {
  const out: TableBucket = { arn: b.arn ?? '', name: b.name ?? '', ownerAccountId: b.ownerAccountId ?? '' };
  if (b.createdAt) out.createdAt = b.createdAt.toISOString();
  if (b.tableBucketId) out.tableBucketId = b.tableBucketId;
  if (b.type) out.type = b.type;
  return out;
}

function replication(out: {
  versionToken?: string;
  configuration?: {
    role?: string;
    rules?: { destinations?: { destinationTableBucketARN?: string }[] }[];
  };
}): CurrentReplication {
  const configuration: ReplicationConfiguration = {
    role: out.configuration?.role ?? '',
    rules: (out.configuration?.rules ?? []).map((r) => ({
      destinations: (r.destinations ?? []).map((d) => ({
        destinationTableBucketARN: d.destinationTableBucketARN ?? '',
      })),
    })),
  };
  return { versionToken: out.versionToken ?? '', configuration };
}

/** The Region of an S3 Tables ARN (its fourth field). */
export function regionOf(arn: string): string {
  return arn.split(':')[3] ?? '';
}

/** undefined for a 404: "none configured". */
async function absent<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (cause) {
    if (cause instanceof AwsError && cause.kind === 'not-found') return undefined;
    throw cause;
  }
}

const CODES: Record<string, AwsErrorKind> = {
  NotFoundException: 'not-found',
  NoSuchEntity: 'not-found',
  NoSuchEntityException: 'not-found',
  AccessDenied: 'access-denied',
  AccessDeniedException: 'access-denied',
  ForbiddenException: 'access-denied',
  UnauthorizedOperation: 'access-denied',
  Throttling: 'throttled',
  ThrottlingException: 'throttled',
  TooManyRequestsException: 'throttled',
  BadRequestException: 'invalid',
  InvalidInput: 'invalid',
  InvalidInputException: 'invalid',
  ValidationError: 'invalid',
};

/** Runs one SDK call; any failure becomes an AwsError naming the operation and the resource. */
async function call<T>(operation: string, resource: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (cause) {
    throw toAwsError(cause, operation, resource);
  }
}

export function toAwsError(cause: unknown, operation: string, resource: string): AwsError {
  if (cause instanceof AwsError) return cause;
  const e = (cause ?? {}) as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const code = typeof e.name === 'string' && e.name !== 'Error' ? e.name : String(e.code ?? 'Error');
  const status = e.$metadata?.httpStatusCode;
  const kind: AwsErrorKind =
    CODES[code] ??
    (status === 404
      ? 'not-found'
      : status === 403
        ? 'access-denied'
        : status === 429
          ? 'throttled'
          : 'other');
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : code;
  return new AwsError(kind, code, operation, resource, message);
}
