// The organization's side of the SDK: Organizations ListAccounts and one assumed-role port per
// account. Assume-role, credential caching and retries are the SDK's (credential-providers'
// fromTemporaryCredentials); this module only wires them. Loaded only by the organization audit.
import { createRequire } from 'node:module';
import type * as CredentialProvidersSdk from '@aws-sdk/credential-providers';
import type * as OrganizationsSdk from '@aws-sdk/client-organizations';
import { AwsError, type Credentials, type PortOptions } from './port.js';

type CredentialProviders = typeof CredentialProvidersSdk;
type Organizations = typeof OrganizationsSdk;
import { createSdkPort, toAwsError, type SdkPort } from './sdk.js';

export interface AssumeOptions {
  /** The role assumed in every account (a name, optionally with its path). */
  roleName: string;
  externalId?: string;
  /** A first hop: this role is assumed once with the base credentials, and every account's role from it. */
  initialRoleArn?: string;
  /** The session name CloudTrail shows. */
  sessionName: string;
}

export interface OrgAccount {
  id: string;
  name: string;
  /** ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED (Organizations' `State`, else its older `Status`). */
  state: string;
}

export interface OrgSdk {
  /** Organizations ListAccounts, every page (from the management or a delegated administrator account). */
  listAccounts(): Promise<OrgAccount[]>;
  /** Resolves the first hop's credentials now (so a broken --initial-role-arn stops the run once). */
  checkInitial(): Promise<void>;
  /** A port whose calls run as the role in `account`; its first call assumes the role. */
  portFor(account: string): Promise<SdkPort>;
  roleArn(account: string): string;
  close(): void;
}

const ATTEMPTS = 6;

export async function createOrgSdk(options: PortOptions, assume: AssumeOptions): Promise<OrgSdk> {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  // require, as sdk.ts does: the CLI is a CommonJS bundle run from a code cache, without import().
  const load = createRequire(import.meta.url);
  const { fromTemporaryCredentials } = load('@aws-sdk/credential-providers') as CredentialProviders;
  const orgs = load('@aws-sdk/client-organizations') as Organizations;
  const region = options.region ?? 'us-east-1';
  const partition = partitionOf(region);
  const clientConfig = {
    region,
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    // Retries as sdk.ts: the SDK's standard mode unless AWS_RETRY_MODE or the profile says otherwise.
    ...(options.maxAttempts !== undefined || !process.env['AWS_MAX_ATTEMPTS']
      ? { maxAttempts: options.maxAttempts ?? ATTEMPTS }
      : {}),
  };
  const base = options.credentials;
  // The first hop is assumed once and shared by every account (each SDK client would otherwise
  // cache it on its own and assume it again).
  const initial =
    assume.initialRoleArn === undefined
      ? base
      : shared(
          named(
            fromTemporaryCredentials({
              params: { RoleArn: assume.initialRoleArn, RoleSessionName: assume.sessionName },
              ...(base !== undefined ? { masterCredentials: base } : {}),
              clientConfig,
            }),
            assume.initialRoleArn,
          ),
        );
  const organizations = new orgs.OrganizationsClient({
    ...clientConfig,
    // Organizations answers in one Region per partition.
    region:
      partition === 'aws-cn' ? 'cn-northwest-1' : partition === 'aws-us-gov' ? 'us-gov-west-1' : 'us-east-1',
    ...(initial !== undefined ? { credentials: initial } : {}),
  });
  const roleArn = (account: string): string => `arn:${partition}:iam::${account}:role/${assume.roleName}`;

  return {
    roleArn,
    async listAccounts() {
      const out: OrgAccount[] = [];
      try {
        for await (const page of orgs.paginateListAccounts({ client: organizations }, {}))
          for (const a of page.Accounts ?? [])
            if (a.Id) out.push({ id: a.Id, name: a.Name ?? '', state: a.State ?? a.Status ?? 'ACTIVE' });
      } catch (cause) {
        throw toAwsError(cause, 'ListAccounts', 'the organization');
      }
      return out;
    },
    async checkInitial() {
      if (typeof initial === 'function') await initial();
    },
    async portFor(account) {
      const target = roleArn(account);
      // One AssumeRole per account, shared by the port's clients (S3 Tables per Region, IAM, STS).
      const credentials = shared(
        named(
          fromTemporaryCredentials({
            params: {
              RoleArn: target,
              RoleSessionName: assume.sessionName,
              ...(assume.externalId !== undefined ? { ExternalId: assume.externalId } : {}),
            },
            ...(initial !== undefined ? { masterCredentials: initial } : {}),
            clientConfig,
          }),
          target,
        ),
      );
      return createSdkPort({ ...options, credentials });
    },
    close() {
      organizations.destroy();
    },
  };
}

/** The provider's failures as AwsErrors of the AssumeRole call (the port passes them through). */
function named(provider: () => Promise<Credentials>, roleArn: string): () => Promise<Credentials> {
  return async () => {
    try {
      return await provider();
    } catch (cause) {
      throw cause instanceof AwsError ? cause : toAwsError(cause, 'AssumeRole', roleArn);
    }
  };
}

/** One set of credentials for every caller until five minutes before they expire; a failure is not kept. */
function shared(provider: () => Promise<Credentials>): () => Promise<Credentials> {
  let current: Promise<Credentials> | undefined;
  let until = 0;
  return async () => {
    if (current && Date.now() < until) return current;
    const pending = provider();
    current = pending;
    until = Infinity; // callers meanwhile wait for the same call
    try {
      const c = await pending;
      until = c.expiration ? c.expiration.getTime() - 300_000 : Infinity;
      return c;
    } catch (cause) {
      if (current === pending) current = undefined;
      throw cause;
    }
  };
}

export function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}
