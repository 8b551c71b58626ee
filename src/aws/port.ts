// The narrow view of AWS that the audit and the dry run use: reads only. The SDK-backed
// implementation (sdk.ts) is loaded lazily by the AWS commands; tests point it at a loopback fake.

/** Why a call failed, in the words the audit and the rules use. */
export type AwsErrorKind = 'not-found' | 'access-denied' | 'throttled' | 'invalid' | 'other';

/** A failed AWS call, with the operation and the resource it was about. */
export class AwsError extends Error {
  constructor(
    readonly kind: AwsErrorKind,
    /** The service's error code (e.g. `NotFoundException`, `AccessDenied`, `NoSuchEntity`). */
    readonly code: string,
    readonly operation: string,
    readonly resource: string,
    message: string,
  ) {
    super(message);
    this.name = 'AwsError';
  }
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export interface TableBucket {
  arn: string;
  name: string;
  ownerAccountId: string;
  createdAt?: string;
  tableBucketId?: string;
  /** `customer` or `aws` (AWS-managed). */
  type?: string;
}

export interface TableSummary {
  namespace: string[];
  name: string;
  tableARN: string;
  type?: string;
  createdAt?: string;
  modifiedAt?: string;
  /** Set on replicas: the table is managed by the replication service. */
  managedByService?: string;
}

export interface Table {
  tableARN: string;
  name: string;
  namespace: string[];
  versionToken?: string;
  managedByService?: string;
  /** A replica names its source table. */
  replicaOf?: string;
}

export interface ReplicationConfiguration {
  role: string;
  rules: { destinations: { destinationTableBucketARN: string }[] }[];
}

/** Get{Table,TableBucket}Replication output; undefined from the port = none configured (a 404). */
export interface CurrentReplication {
  versionToken: string;
  configuration: ReplicationConfiguration;
}

export interface ReplicationStatus {
  sourceTableArn: string;
  destinations: {
    replicationStatus: string;
    destinationTableBucketArn: string;
    destinationTableArn?: string;
    lastSuccessfulReplicatedUpdate?: { metadataLocation: string; timestamp: string };
    failureMessage?: string;
  }[];
}

export interface Encryption {
  sseAlgorithm?: string;
  kmsKeyArn?: string;
}

export interface Role {
  RoleName: string;
  RoleId?: string;
  Arn: string;
  Path?: string;
  CreateDate?: string;
  /** URL-encoded JSON, as the IAM API returns it. */
  AssumeRolePolicyDocument?: string;
  PermissionsBoundary?: { PermissionsBoundaryType?: string; PermissionsBoundaryArn?: string };
}

export interface ManagedPolicy {
  PolicyName: string;
  Arn: string;
  DefaultVersionId: string;
  Path?: string;
}

export interface PolicyVersion {
  VersionId: string;
  IsDefaultVersion: boolean;
  /** URL-encoded JSON, as the IAM API returns it. */
  Document: string;
}

export interface ContextEntry {
  ContextKeyName: string;
  ContextKeyValues: string[];
  ContextKeyType: 'string' | 'stringList' | 'boolean' | 'numeric' | 'date' | 'ip' | 'arn' | string;
}

export interface SimulationRequest {
  /** The role or user whose policies are simulated (never a session ARN). */
  policySourceArn: string;
  actions: string[];
  resources?: string[];
  context?: ContextEntry[];
}

export interface SimulationResult {
  action: string;
  resource?: string;
  /** `allowed`, `explicitDeny` or `implicitDeny`. */
  decision: string;
  missingContextValues: string[];
  allowedByOrganizations?: boolean;
  allowedByPermissionsBoundary?: boolean;
  matchedStatements: { sourcePolicyId?: string; sourcePolicyType?: string }[];
}

export interface AwsPort {
  /** STS GetCallerIdentity. */
  getCallerIdentity(): Promise<CallerIdentity>;

  // S3 Tables (the client for a call is picked by the Region in the ARN, or `region`).
  listTableBuckets(region: string): Promise<TableBucket[]>;
  getTableBucket(bucketArn: string): Promise<TableBucket>;
  listTables(bucketArn: string): Promise<TableSummary[]>;
  getTable(tableArn: string): Promise<Table>;
  getTableBucketReplication(bucketArn: string): Promise<CurrentReplication | undefined>;
  getTableReplication(tableArn: string): Promise<CurrentReplication | undefined>;
  getTableReplicationStatus(tableArn: string): Promise<ReplicationStatus>;
  /** The bucket policy as its JSON text; undefined when the bucket has none. */
  getTableBucketPolicy(bucketArn: string): Promise<string | undefined>;
  /** undefined when the bucket has no encryption configuration (a 404). */
  getTableBucketEncryption(bucketArn: string): Promise<Encryption | undefined>;

  // IAM (global).
  getRole(roleName: string): Promise<Role>;
  listRolePolicies(roleName: string): Promise<string[]>;
  /** The inline policy document, URL-encoded as the IAM API returns it. */
  getRolePolicy(roleName: string, policyName: string): Promise<string>;
  listAttachedRolePolicies(roleName: string): Promise<{ PolicyName: string; PolicyArn: string }[]>;
  getPolicy(policyArn: string): Promise<ManagedPolicy>;
  getPolicyVersion(policyArn: string, versionId: string): Promise<PolicyVersion>;
  simulatePrincipalPolicy(request: SimulationRequest): Promise<SimulationResult[]>;
}

/** Every AWS operation the port may send: all reads (a test checks the fake saw nothing else). */
export const READ_OPERATIONS = [
  'sts:GetCallerIdentity',
  'account:ListRegions',
  's3tables:ListTableBuckets',
  's3tables:GetTableBucket',
  's3tables:ListTables',
  's3tables:GetTable',
  's3tables:GetTableBucketReplication',
  's3tables:GetTableReplication',
  's3tables:GetTableReplicationStatus',
  's3tables:GetTableBucketPolicy',
  's3tables:GetTableBucketEncryption',
  'iam:GetRole',
  'iam:ListRolePolicies',
  'iam:GetRolePolicy',
  'iam:ListAttachedRolePolicies',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
  'iam:SimulatePrincipalPolicy',
] as const;

export interface PortOptions {
  /** Default Region (S3 Tables calls use the Region of the ARN they name). */
  region?: string;
  profile?: string;
  /** Overrides every service's endpoint (`--endpoint-url`; the SDK also reads AWS_ENDPOINT_URL). */
  endpoint?: string;
  /** Static credentials (tests) or a provider (an assumed role); default: the SDK's default chain. */
  credentials?: Credentials | (() => Promise<Credentials>);
  /** Attempts per call, throttling included (default 6, adaptive retry mode). */
  maxAttempts?: number;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
