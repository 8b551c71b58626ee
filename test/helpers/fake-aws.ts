// A loopback fake of the AWS reads the audit and the dry run make: S3 Tables (REST-JSON), IAM and
// STS (query protocol, XML answers). The real SDK clients talk to it through `endpoint`; it records
// every request, and can add latency, throttle a share of requests, and answer chosen calls with
// 403, 404 or 429.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface FakeTable {
  namespace: string;
  name: string;
  tableARN: string;
  createdAt?: string;
  modifiedAt?: string;
  managedByService?: string;
  versionToken?: string;
  /** Set on a replica: its source table. */
  replicaOf?: string;
  replication?: { versionToken: string; configuration: unknown };
  status?: { destinations: unknown[] };
}

export interface FakeBucket {
  arn: string;
  name: string;
  ownerAccountId: string;
  createdAt?: string;
  type?: string;
  /** The bucket policy document (the fake sends it as a JSON string, like AWS). */
  policy?: unknown;
  encryption?: { sseAlgorithm: string; kmsKeyArn?: string };
  replication?: { versionToken: string; configuration: unknown };
  tables?: FakeTable[];
}

export interface FakeRole {
  RoleName: string;
  Arn: string;
  RoleId?: string;
  Path?: string;
  CreateDate?: string;
  /** The trust policy (the fake URL-encodes it, like the IAM API). */
  AssumeRolePolicyDocument: unknown;
  PermissionsBoundaryArn?: string;
  inline?: Record<string, unknown>;
  attached?: string[];
}

export interface FakePolicy {
  PolicyName: string;
  Arn: string;
  DefaultVersionId?: string;
  Document: unknown;
}

export interface FakeSimulation {
  /** Matches any PolicySourceArn when absent. */
  principal?: string;
  action: string;
  /** Matches any resource when absent. */
  resource?: string;
  decision: 'allowed' | 'explicitDeny' | 'implicitDeny';
  missingContextValues?: string[];
  allowedByOrganizations?: boolean;
  allowedByPermissionsBoundary?: boolean;
  /** The decision holds only when the request carries these context values; else implicitDeny. */
  requireContext?: Record<string, string>;
}

export interface FakeFault {
  /** `service:Operation`, e.g. `s3tables:GetTableBucketPolicy`. */
  action: string;
  /** The ARN or name the call is about; any when absent. */
  resource?: string;
  status: 403 | 404 | 429;
  /** Answer this many times, then behave normally (default: always). */
  times?: number;
  /** Only requests signed with credentials of this account; any when absent. */
  account?: string;
}

/** An account of the fake organization. */
export interface FakeAccount {
  Id: string;
  Name?: string;
  /** Organizations' account state (default ACTIVE). */
  State?: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED';
  /** Replaces FakeOptions.latencyMs for requests signed with this account's credentials. */
  latencyMs?: number;
  /** AssumeRole into this account is refused (AccessDenied), as when the role's trust excludes the caller. */
  refuseRole?: boolean;
  /** AssumeRole into this account needs this sts:ExternalId. */
  externalId?: string;
}

export interface FakeOrganization {
  /** The management account; ListAccounts answers it and the delegated administrators only. */
  managementAccount: string;
  delegatedAdministrators?: string[];
  accounts: FakeAccount[];
}

export interface World {
  caller?: { Account: string; Arn: string; UserId?: string };
  buckets?: FakeBucket[];
  roles?: FakeRole[];
  policies?: FakePolicy[];
  simulations?: FakeSimulation[];
  faults?: FakeFault[];
  /** Organizations ListAccounts and STS AssumeRole across accounts; the credentials AssumeRole issues map to their account. */
  organization?: FakeOrganization;
  /** Account ListRegions: the Regions enabled (default: every Region a bucket is in, and us-east-1). */
  enabledRegions?: string[];
}

export interface FakeOptions {
  /** Added before every answer. */
  latencyMs?: number;
  /** Share of requests answered with throttling (429 / Throttling), chosen by a seeded generator. */
  throttleRate?: number;
  seed?: number;
  /** Items per page of the List calls (default 1000, like AWS). */
  pageSize?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** `service:Operation`; unknown routes get `service:METHOD /path`. */
  action: string;
  resource: string;
  status: number;
  /** The account of the credentials that signed the request. */
  account: string;
}

/** Reads a scenario folder: every *.json file is a part of the world, concatenated in name order. */
export function loadWorld(dir: string): World {
  const world: Required<Omit<World, 'caller' | 'organization' | 'enabledRegions'>> &
    Pick<World, 'caller' | 'organization' | 'enabledRegions'> = {
    buckets: [],
    roles: [],
    policies: [],
    simulations: [],
    faults: [],
  };
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const part = JSON.parse(readFileSync(join(dir, name), 'utf8')) as World;
    if (part.caller) world.caller = part.caller;
    if (part.organization) world.organization = part.organization;
    world.buckets.push(...(part.buckets ?? []));
    world.roles.push(...(part.roles ?? []));
    world.policies.push(...(part.policies ?? []));
    world.simulations.push(...(part.simulations ?? []));
    world.faults.push(...(part.faults ?? []));
  }
  return world;
}

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDFAKEAWS', secretAccessKey: 'fake-secret' };

export class FakeAws {
  readonly requests: RecordedRequest[] = [];
  #server: Server;
  #random: () => number;
  #faults: (FakeFault & { left: number })[];
  /** Credentials AssumeRole issued: access key id → the session. */
  readonly #sessions = new Map<string, { account: string; arn: string; roleId: string }>();
  readonly #buckets = new Map<string, FakeBucket>();
  readonly #tables = new Map<string, FakeTable>();
  readonly #accounts = new Map<string, FakeAccount>();
  url = '';

  private constructor(
    private readonly world: World,
    private readonly options: FakeOptions,
  ) {
    this.#random = mulberry32(options.seed ?? 1);
    this.#faults = (world.faults ?? []).map((f) => ({ ...f, left: f.times ?? Infinity }));
    // Indexes: an organization-sized world has thousands of buckets.
    for (const b of world.buckets ?? []) {
      this.#buckets.set(b.arn, b);
      for (const t of b.tables ?? []) this.#tables.set(t.tableARN, t);
    }
    for (const a of world.organization?.accounts ?? []) this.#accounts.set(a.Id, a);
    this.#server = createServer((req, res) => {
      this.handle(req, res).catch((cause: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(cause));
      });
    });
  }

  static async start(world: World, options: FakeOptions = {}): Promise<FakeAws> {
    const fake = new FakeAws(world, options);
    await new Promise<void>((resolve) => fake.#server.listen(0, '127.0.0.1', resolve));
    const { port } = fake.#server.address() as AddressInfo;
    fake.url = `http://127.0.0.1:${port}`;
    return fake;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** The recorded actions, counted. */
  counts(): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.requests) out.set(r.action, (out.get(r.action) ?? 0) + 1);
    return out;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    // The service comes from the SigV4 credential scope: <key id>/<date>/<region>/<service>/aws4_request;
    // the account from the key id (credentials AssumeRole issued), else the caller's.
    const scope = /Credential=([^/]+)\/\d+\/([^/]+)\/([^/]+)\/aws4_request/.exec(
      req.headers.authorization ?? '',
    );
    const session = this.#sessions.get(scope?.[1] ?? '');
    const account = session?.account ?? this.callerAccount;
    const service = scope?.[3] ?? 'unknown';
    const method = req.method ?? 'GET';
    let answer: Answer;
    if (service === 'organizations') {
      answer = this.organizations(req.headers['x-amz-target'], body, account);
    } else if (service === 'account') {
      answer = this.account(method, url, body);
    } else if (service === 'iam' || service === 'sts') {
      const form = new URLSearchParams(body);
      answer = this.query(service, form, session && { ...session, account });
    } else {
      answer = this.rest(method, url, scope?.[2] ?? '', account);
    }
    const fault = this.fault(answer, account);
    if (fault) answer = fault;
    this.requests.push({
      method,
      path: `${url.pathname}${url.search}`,
      action: answer.action,
      resource: answer.resource,
      status: answer.status,
      account,
    });
    const latency = this.#accounts.get(account)?.latencyMs ?? this.options.latencyMs;
    if (latency) await sleep(latency);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }

  private get callerAccount(): string {
    return this.world.caller?.Account ?? '111122223333';
  }

  // --- Organizations (JSON 1.1) and STS AssumeRole ---------------------------------------------

  private organizations(target: string | string[] | undefined, body: string, account: string): Answer {
    const op = String(target ?? '').split('.')[1] ?? '';
    const action = `organizations:${op}`;
    const org = this.world.organization;
    const error = (status: number, code: string, message: string): Answer => ({
      action,
      resource: '',
      status,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': code },
      body: JSON.stringify({ __type: code, Message: message }),
    });
    if (op !== 'ListAccounts') return error(501, 'NotImplemented', `the fake answers no ${action}`);
    if (!org)
      return error(
        400,
        'AWSOrganizationsNotInUseException',
        'Your account is not a member of an organization.',
      );
    if (account !== org.managementAccount && !(org.delegatedAdministrators ?? []).includes(account))
      return error(400, 'AccessDeniedException', "You don't have permissions to access this resource.");
    const input = (body ? JSON.parse(body) : {}) as { NextToken?: string; MaxResults?: number };
    const size = Math.min(input.MaxResults ?? 20, this.options.pageSize ?? 20);
    const start = input.NextToken ? Number(input.NextToken.replace(/^p/, '')) : 0;
    const items = org.accounts.slice(start, start + size);
    const next = start + size < org.accounts.length ? `p${start + size}` : undefined;
    return {
      action,
      resource: '',
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({
        Accounts: items.map((a) => ({
          Id: a.Id,
          Arn: `arn:aws:organizations::${org.managementAccount}:account/o-fake/${a.Id}`,
          Email: `${a.Id}@example.com`,
          Name: a.Name ?? `account-${a.Id}`,
          State: a.State ?? 'ACTIVE',
          JoinedMethod: 'CREATED',
          JoinedTimestamp: 1767225600,
        })),
        ...(next ? { NextToken: next } : {}),
      }),
    };
  }

  /** AssumeRole: into an account of the organization (or the caller's own), unless refused. */
  private assumeRole(form: URLSearchParams, from: string): Answer {
    const action = 'sts:AssumeRole';
    const roleArn = form.get('RoleArn') ?? '';
    const session = form.get('RoleSessionName') ?? 'session';
    const parts = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
    const target = parts ? this.#accounts.get(parts[1] ?? '') : undefined;
    const known = parts && (target !== undefined || parts[1] === this.callerAccount);
    const denied = (why: string): Answer =>
      queryError(
        action,
        roleArn,
        403,
        'AccessDenied',
        `User: ${from} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}${why}`,
      );
    if (!parts || !known) return denied('');
    if (target?.refuseRole) return denied(' (the role trust policy does not allow it)');
    if (target?.externalId !== undefined && form.get('ExternalId') !== target.externalId)
      return denied(' (external id)');
    const account = parts[1] ?? '';
    const n = this.#sessions.size + 1;
    const key = `ASIAFAKE${String(n).padStart(12, '0')}`;
    const roleId = `AROAFAKE${account}`;
    const arn = `arn:aws:sts::${account}:assumed-role/${parts[2]}/${session}`;
    this.#sessions.set(key, { account, arn, roleId: `${roleId}:${session}` });
    const ns = 'https://sts.amazonaws.com/doc/2011-06-15/';
    const result = {
      Credentials: {
        AccessKeyId: key,
        SecretAccessKey: `fake-secret-${n}`,
        SessionToken: `fake-token-${n}`,
        Expiration: new Date(Date.now() + 3600_000).toISOString(),
      },
      AssumedRoleUser: { AssumedRoleId: `${roleId}:${session}`, Arn: arn },
    };
    return {
      action,
      resource: roleArn,
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body:
        `<AssumeRoleResponse xmlns="${ns}"><AssumeRoleResult>${toXml(result)}</AssumeRoleResult>` +
        `<ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    };
  }

  private fault(answer: Answer, account: string): Answer | undefined {
    const protocol = answer.action.startsWith('s3tables:') ? 'rest' : 'query';
    if (this.options.throttleRate && this.#random() < this.options.throttleRate)
      return errorAnswer(protocol, answer, 429);
    const f = this.#faults.find(
      (x) =>
        x.left > 0 &&
        x.action === answer.action &&
        (x.resource === undefined || x.resource === answer.resource) &&
        (x.account === undefined || x.account === account),
    );
    if (!f) return undefined;
    f.left--;
    return errorAnswer(protocol, answer, f.status);
  }

  // --- Account, REST-JSON: ListRegions only ---------------------------------------------------

  private account(method: string, url: URL, body: string): Answer {
    if (method !== 'POST' || url.pathname !== '/listRegions')
      return restError(
        `account:${method} ${url.pathname}`,
        '',
        404,
        'ResourceNotFoundException',
        'no such route',
      );
    const asked = (JSON.parse(body || '{}') as { RegionOptStatusContains?: string[] })
      .RegionOptStatusContains;
    const enabled =
      this.world.enabledRegions ??
      [...new Set(['us-east-1', ...(this.world.buckets ?? []).map((b) => b.arn.split(':')[3] ?? '')])].sort();
    const all = ['ap-east-1', 'me-south-1', ...enabled];
    const regions = all.map((RegionName) => ({
      RegionName,
      RegionOptStatus: enabled.includes(RegionName) ? 'ENABLED_BY_DEFAULT' : 'DISABLED',
    }));
    return {
      action: 'account:ListRegions',
      resource: '',
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        Regions: asked ? regions.filter((r) => asked.includes(r.RegionOptStatus)) : regions,
      }),
    };
  }

  // --- S3 Tables, REST-JSON ------------------------------------------------------------------

  private rest(method: string, url: URL, region: string, account: string): Answer {
    const parts = url.pathname.split('/').slice(1).map(decodeURIComponent);
    const q = url.searchParams;
    const route = `${method} /${parts[0] ?? ''}`;
    const buckets = this.world.buckets ?? [];
    const bucketOf = (arn: string) => this.#buckets.get(arn);
    const tableOf = (arn: string) => this.#tables.get(arn);
    const ok = (action: string, resource: string, value: unknown): Answer => ({
      action: `s3tables:${action}`,
      resource,
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(value),
    });
    const missing = (action: string, resource: string, what: string): Answer =>
      restError(`s3tables:${action}`, resource, 404, 'NotFoundException', `${what} not found`);

    if (route === 'GET /buckets' && parts.length === 1) {
      // A Region's endpoint lists that Region's buckets of the caller's account.
      const here = buckets.filter((b) => b.arn.split(':')[3] === region && b.ownerAccountId === account);
      const page = this.page(here, q.get('continuationToken'));
      return ok('ListTableBuckets', '', {
        tableBuckets: page.items.map(bucketSummary),
        ...(page.next ? { continuationToken: page.next } : {}),
      });
    }
    if (route === 'GET /buckets' && parts.length === 2) {
      const arn = parts[1] ?? '';
      const b = bucketOf(arn);
      return b ? ok('GetTableBucket', arn, bucketSummary(b)) : missing('GetTableBucket', arn, 'table bucket');
    }
    if (route === 'GET /buckets' && parts.length === 3 && parts[2] === 'policy') {
      const arn = parts[1] ?? '';
      const b = bucketOf(arn);
      if (!b) return missing('GetTableBucketPolicy', arn, 'table bucket');
      if (b.policy === undefined) return missing('GetTableBucketPolicy', arn, 'table bucket policy');
      return ok('GetTableBucketPolicy', arn, { resourcePolicy: JSON.stringify(b.policy) });
    }
    if (route === 'GET /buckets' && parts.length === 3 && parts[2] === 'encryption') {
      const arn = parts[1] ?? '';
      const b = bucketOf(arn);
      if (!b) return missing('GetTableBucketEncryption', arn, 'table bucket');
      if (!b.encryption) return missing('GetTableBucketEncryption', arn, 'encryption configuration');
      return ok('GetTableBucketEncryption', arn, { encryptionConfiguration: b.encryption });
    }
    if (route === 'GET /tables' && parts.length === 2) {
      const arn = parts[1] ?? '';
      const b = bucketOf(arn);
      if (!b) return missing('ListTables', arn, 'table bucket');
      const page = this.page(b.tables ?? [], q.get('continuationToken'));
      return ok('ListTables', arn, {
        tables: page.items.map((t) => ({
          namespace: [t.namespace],
          name: t.name,
          type: 'customer',
          tableARN: t.tableARN,
          createdAt: t.createdAt ?? '2026-01-01T00:00:00.000Z',
          modifiedAt: t.modifiedAt ?? '2026-01-01T00:00:00.000Z',
          ...(t.managedByService ? { managedByService: t.managedByService } : {}),
        })),
        ...(page.next ? { continuationToken: page.next } : {}),
      });
    }
    if (route === 'GET /get-table') {
      const arn = q.get('tableArn') ?? '';
      const t = tableOf(arn);
      if (!t) return missing('GetTable', arn, 'table');
      return ok('GetTable', arn, {
        name: t.name,
        type: 'customer',
        tableARN: t.tableARN,
        namespace: [t.namespace],
        versionToken: t.versionToken ?? 'table-v1',
        createdAt: t.createdAt ?? '2026-01-01T00:00:00.000Z',
        createdBy: '111122223333',
        modifiedAt: t.modifiedAt ?? '2026-01-01T00:00:00.000Z',
        modifiedBy: '111122223333',
        ownerAccountId: t.tableARN.split(':')[4],
        format: 'ICEBERG',
        ...(t.managedByService ? { managedByService: t.managedByService } : {}),
        ...(t.replicaOf
          ? { managedTableInformation: { replicationInformation: { sourceTableARN: t.replicaOf } } }
          : {}),
      });
    }
    if (route === 'GET /table-bucket-replication') {
      const arn = q.get('tableBucketARN') ?? '';
      const b = bucketOf(arn);
      if (!b) return missing('GetTableBucketReplication', arn, 'table bucket');
      if (!b.replication) return missing('GetTableBucketReplication', arn, 'replication configuration');
      return ok('GetTableBucketReplication', arn, b.replication);
    }
    if (route === 'GET /table-replication') {
      const arn = q.get('tableArn') ?? '';
      const t = tableOf(arn);
      if (!t) return missing('GetTableReplication', arn, 'table');
      if (!t.replication) return missing('GetTableReplication', arn, 'replication configuration');
      return ok('GetTableReplication', arn, t.replication);
    }
    if (route === 'GET /replication-status') {
      const arn = q.get('tableArn') ?? '';
      const t = tableOf(arn);
      if (!t?.status) return missing('GetTableReplicationStatus', arn, 'replication status');
      return ok('GetTableReplicationStatus', arn, {
        sourceTableArn: arn,
        destinations: t.status.destinations,
      });
    }
    // Anything else (every write): recorded under its route, refused.
    const resource = q.get('tableArn') ?? q.get('tableBucketARN') ?? parts[1] ?? '';
    return restError(
      `s3tables:${MUTATING_ROUTES[route] ?? `${method} ${url.pathname}`}`,
      resource,
      501,
      'NotImplemented',
      `the fake answers no ${method} ${url.pathname}`,
    );
  }

  private page<T>(items: T[], token: string | null): { items: T[]; next?: string } {
    const size = this.options.pageSize ?? 1000;
    const start = token ? Number(token.replace(/^p/, '')) : 0;
    const end = start + size;
    return { items: items.slice(start, end), ...(end < items.length ? { next: `p${end}` } : {}) };
  }

  // --- IAM and STS, query protocol ----------------------------------------------------------

  private query(
    service: string,
    form: URLSearchParams,
    session?: { account: string; arn: string; roleId: string },
  ): Answer {
    const op = form.get('Action') ?? '';
    const action = `${service}:${op}`;
    const ns =
      service === 'sts'
        ? 'https://sts.amazonaws.com/doc/2011-06-15/'
        : 'https://iam.amazonaws.com/doc/2010-05-08/';
    const ok = (resource: string, result: unknown): Answer => ({
      action,
      resource,
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body:
        `<${op}Response xmlns="${ns}"><${op}Result>${toXml(result)}</${op}Result>` +
        `<ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata></${op}Response>`,
    });
    const noSuch = (resource: string, what: string): Answer =>
      queryError(action, resource, 404, 'NoSuchEntity', `The ${what} cannot be found.`);
    const roles = this.world.roles ?? [];
    const roleName = form.get('RoleName') ?? '';
    // An assumed session sees its own account's roles only.
    const role = roles.find(
      (r) => r.RoleName === roleName && (!session || r.Arn.split(':')[4] === session.account),
    );

    if (action === 'sts:AssumeRole')
      return this.assumeRole(form, session?.arn ?? this.world.caller?.Arn ?? '');
    if (action === 'sts:GetCallerIdentity') {
      if (session) return ok('', { Arn: session.arn, UserId: session.roleId, Account: session.account });
      const c = this.world.caller ?? {
        Account: '111122223333',
        Arn: 'arn:aws:iam::111122223333:user/tester',
      };
      return ok('', { Arn: c.Arn, UserId: c.UserId ?? 'AIDAFAKE', Account: c.Account });
    }
    if (action === 'iam:GetRole') {
      if (!role) return noSuch(roleName, `role with name ${roleName}`);
      return ok(roleName, {
        Role: {
          Path: role.Path ?? '/',
          RoleName: role.RoleName,
          RoleId: role.RoleId ?? 'AROAFAKE',
          Arn: role.Arn,
          CreateDate: role.CreateDate ?? '2026-01-01T00:00:00Z',
          AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(role.AssumeRolePolicyDocument)),
          ...(role.PermissionsBoundaryArn
            ? {
                PermissionsBoundary: {
                  PermissionsBoundaryType: 'Policy',
                  PermissionsBoundaryArn: role.PermissionsBoundaryArn,
                },
              }
            : {}),
        },
      });
    }
    if (action === 'iam:ListRolePolicies') {
      if (!role) return noSuch(roleName, `role with name ${roleName}`);
      const page = this.page(Object.keys(role.inline ?? {}), form.get('Marker'));
      return ok(roleName, {
        PolicyNames: page.items,
        IsTruncated: page.next !== undefined,
        ...(page.next ? { Marker: page.next } : {}),
      });
    }
    if (action === 'iam:GetRolePolicy') {
      const name = form.get('PolicyName') ?? '';
      const doc = role?.inline?.[name];
      if (!role || doc === undefined) return noSuch(`${roleName}/${name}`, `role policy with name ${name}`);
      return ok(`${roleName}/${name}`, {
        RoleName: roleName,
        PolicyName: name,
        PolicyDocument: encodeURIComponent(JSON.stringify(doc)),
      });
    }
    if (action === 'iam:ListAttachedRolePolicies') {
      if (!role) return noSuch(roleName, `role with name ${roleName}`);
      const page = this.page(role.attached ?? [], form.get('Marker'));
      return ok(roleName, {
        AttachedPolicies: page.items.map((arn) => ({ PolicyName: arn.split('/').pop(), PolicyArn: arn })),
        IsTruncated: page.next !== undefined,
        ...(page.next ? { Marker: page.next } : {}),
      });
    }
    const policies = this.world.policies ?? [];
    const policyArn = form.get('PolicyArn') ?? '';
    const policy = policies.find((p) => p.Arn === policyArn);
    if (action === 'iam:GetPolicy') {
      if (!policy) return noSuch(policyArn, `policy ${policyArn}`);
      return ok(policyArn, {
        Policy: {
          PolicyName: policy.PolicyName,
          PolicyId: 'ANPAFAKE',
          Arn: policy.Arn,
          Path: '/',
          DefaultVersionId: policy.DefaultVersionId ?? 'v1',
          AttachmentCount: 1,
          IsAttachable: true,
        },
      });
    }
    if (action === 'iam:GetPolicyVersion') {
      const version = form.get('VersionId') ?? '';
      const resource = `${policyArn}:${version}`;
      if (!policy || version !== (policy.DefaultVersionId ?? 'v1'))
        return noSuch(resource, `policy version ${version}`);
      return ok(resource, {
        PolicyVersion: {
          Document: encodeURIComponent(JSON.stringify(policy.Document)),
          VersionId: version,
          IsDefaultVersion: true,
        },
      });
    }
    if (action === 'iam:SimulatePrincipalPolicy')
      return ok(form.get('PolicySourceArn') ?? '', this.simulate(form));
    return queryError(action, '', 501, 'NotImplemented', `the fake answers no ${action}`);
  }

  private simulate(form: URLSearchParams): unknown {
    const principal = form.get('PolicySourceArn') ?? '';
    const list = (prefix: string): string[] => {
      const out: string[] = [];
      for (let i = 1; form.has(`${prefix}.member.${i}`); i++)
        out.push(form.get(`${prefix}.member.${i}`) ?? '');
      return out;
    };
    const context = new Map<string, string[]>();
    for (let i = 1; form.has(`ContextEntries.member.${i}.ContextKeyName`); i++) {
      const key = form.get(`ContextEntries.member.${i}.ContextKeyName`) ?? '';
      context.set(key.toLowerCase(), list(`ContextEntries.member.${i}.ContextKeyValues`));
    }
    const resources = list('ResourceArns');
    const results = list('ActionNames').flatMap((action) =>
      (resources.length > 0 ? resources : ['*']).map((resource) => {
        const seed = (this.world.simulations ?? []).find(
          (s) =>
            s.action.toLowerCase() === action.toLowerCase() &&
            (s.principal === undefined || s.principal === principal) &&
            (s.resource === undefined || s.resource === resource),
        );
        const contextHolds =
          !seed?.requireContext ||
          Object.entries(seed.requireContext).every(([k, v]) => context.get(k.toLowerCase())?.includes(v));
        const decision = seed && contextHolds ? seed.decision : 'implicitDeny';
        return {
          EvalActionName: action,
          EvalResourceName: resource,
          EvalDecision: decision,
          MatchedStatements:
            decision === 'implicitDeny' ? [] : [{ SourcePolicyId: 'seeded', SourcePolicyType: 'IAM Policy' }],
          MissingContextValues: seed?.missingContextValues ?? [],
          ...(seed?.allowedByOrganizations !== undefined
            ? { OrganizationsDecisionDetail: { AllowedByOrganizations: seed.allowedByOrganizations } }
            : {}),
          ...(seed?.allowedByPermissionsBoundary !== undefined
            ? {
                PermissionsBoundaryDecisionDetail: {
                  AllowedByPermissionsBoundary: seed.allowedByPermissionsBoundary,
                },
              }
            : {}),
        };
      }),
    );
    return { EvaluationResults: results, IsTruncated: false };
  }
}

interface Answer {
  action: string;
  resource: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

const MUTATING_ROUTES: Record<string, string> = {
  'PUT /table-bucket-replication': 'PutTableBucketReplication',
  'DELETE /table-bucket-replication': 'DeleteTableBucketReplication',
  'PUT /table-replication': 'PutTableReplication',
  'DELETE /table-replication': 'DeleteTableReplication',
  'PUT /buckets': 'CreateTableBucket',
  'DELETE /buckets': 'DeleteTableBucket',
  'PUT /tables': 'CreateTable',
  'DELETE /tables': 'DeleteTable',
  'PUT /namespaces': 'CreateNamespace',
  'DELETE /namespaces': 'DeleteNamespace',
  'POST /tag': 'TagResource',
  'DELETE /tag': 'UntagResource',
};

function bucketSummary(b: FakeBucket) {
  return {
    arn: b.arn,
    name: b.name,
    ownerAccountId: b.ownerAccountId,
    createdAt: b.createdAt ?? '2026-01-01T00:00:00.000Z',
    tableBucketId: `id-${b.name}`,
    type: b.type ?? 'customer',
  };
}

const ERRORS = {
  rest: {
    403: ['AccessDeniedException', 'Access denied'],
    404: ['NotFoundException', 'The resource was not found'],
    429: ['TooManyRequestsException', 'Too many requests'],
  },
  query: {
    403: ['AccessDenied', 'User is not authorized to perform this action'],
    404: ['NoSuchEntity', 'The entity cannot be found'],
    429: ['Throttling', 'Rate exceeded'],
  },
} as const;

function errorAnswer(protocol: 'rest' | 'query', answer: Answer, status: 403 | 404 | 429): Answer {
  if (answer.action.startsWith('organizations:')) {
    // JSON 1.1: every error is a 400 with its type.
    const code = {
      403: 'AccessDeniedException',
      404: 'AccountNotFoundException',
      429: 'TooManyRequestsException',
    }[status];
    return {
      ...answer,
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': code },
      body: JSON.stringify({ __type: code, Message: code }),
    };
  }
  const [code, message] = ERRORS[protocol][status];
  return protocol === 'rest'
    ? restError(answer.action, answer.resource, status, code, message)
    : // IAM and STS throttle with 400 Throttling.
      queryError(answer.action, answer.resource, status === 429 ? 400 : status, code, message);
}

function restError(action: string, resource: string, status: number, code: string, message: string): Answer {
  return {
    action,
    resource,
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': code },
    body: JSON.stringify({ message }),
  };
}

function queryError(action: string, resource: string, status: number, code: string, message: string): Answer {
  return {
    action,
    resource,
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>fake-request</RequestId></ErrorResponse>`,
  };
}

/** Query-protocol XML: objects as elements, arrays as <member> lists. */
function toXml(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join('');
  if (value !== null && typeof value === 'object')
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('');
  return escapeXml(String(value));
}

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A small seeded generator: the same throttled requests on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
