// What the audit and the dry run write besides the AWS CLI shapes: their records of a run. The
// rules that read them (aws-read-error, aws-resource-missing, replication-status, version-token,
// caller-simulation) find them through src/load/aws.ts.
import { AwsError, type AwsErrorKind } from './port.js';

/** One read that failed. */
export interface ReadError {
  /** The API operation, e.g. `GetTableBucketPolicy`. */
  operation: string;
  /** The ARN or name it was about. */
  resource: string;
  kind: AwsErrorKind;
  code: string;
  message: string;
  /** What the resource is to a replication configuration, when it is one of its parts. */
  subject?: 'source' | 'destination' | 'role';
  /** The source ARN of the replication configuration the read was for. */
  config?: string;
}

export const readError = (
  cause: unknown,
  extra: Pick<ReadError, 'subject' | 'config'> = {},
  fallback: { operation: string; resource: string } = { operation: 'unknown', resource: '' },
): ReadError => {
  const e =
    cause instanceof AwsError
      ? cause
      : new AwsError(
          'other',
          'Error',
          fallback.operation,
          fallback.resource,
          cause instanceof Error ? cause.message : String(cause),
        );
  return {
    operation: e.operation,
    resource: e.resource,
    kind: e.kind,
    code: e.code,
    message: e.message,
    ...extra,
  };
};

/** The IAM action each read needs (the audit's and the dry run's own permissions). */
export const ACTION_OF: Record<string, string> = {
  GetCallerIdentity: 'sts:GetCallerIdentity',
  ListTableBuckets: 's3tables:ListTableBuckets',
  GetTableBucket: 's3tables:GetTableBucket',
  ListTables: 's3tables:ListTables',
  GetTable: 's3tables:GetTable',
  GetTableBucketReplication: 's3tables:GetTableBucketReplication',
  GetTableReplication: 's3tables:GetTableReplication',
  GetTableReplicationStatus: 's3tables:GetTableReplicationStatus',
  GetTableBucketPolicy: 's3tables:GetTableBucketPolicy',
  GetTableBucketEncryption: 's3tables:GetTableBucketEncryption',
  GetRole: 'iam:GetRole',
  ListRolePolicies: 'iam:ListRolePolicies',
  GetRolePolicy: 'iam:GetRolePolicy',
  ListAttachedRolePolicies: 'iam:ListAttachedRolePolicies',
  GetPolicy: 'iam:GetPolicy',
  GetPolicyVersion: 'iam:GetPolicyVersion',
  SimulatePrincipalPolicy: 'iam:SimulatePrincipalPolicy',
};

/** Runs at most `n` tasks at once. */
export function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** The same call for the same resource once per run, however many configurations name it. */
export function memo(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const calls = new Map<string, Promise<unknown>>();
  return <T>(key: string, task: () => Promise<T>): Promise<T> => {
    let p = calls.get(key) as Promise<T> | undefined;
    if (!p) {
      p = task();
      calls.set(key, p);
    }
    return p;
  };
}

/** A policy document as the AWS CLI prints it: the IAM API's URL-encoded JSON, decoded. */
export function decodePolicy(text: string): unknown {
  for (const candidate of [text, safeDecode(text)]) {
    if (candidate === undefined) continue;
    try {
      return JSON.parse(candidate) as unknown;
    } catch {
      // next form
    }
  }
  return text;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** A path segment from a name AWS returned: kept when it is a plain name, else percent-encoded. */
export function segment(name: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/.test(name) && !name.includes('..')) return name;
  const encoded = encodeURIComponent(name).replace(/\./g, '%2E').slice(0, 200);
  return encoded === '' ? '%00' : encoded;
}
