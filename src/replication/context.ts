/**
 * The request context of each call replication makes, built once per call: every key is a known
 * value, known absent, or unknown (not in either). Three kinds of call:
 *
 * - the caller's Put...Replication (and the iam:PassRole it implies);
 * - the replication role's calls, made by the service with a session of the role;
 * - the service's sts:AssumeRole of the role (the trust evaluation).
 *
 * What each global key is in each call follows the IAM User Guide's "AWS global condition context
 * keys" (the Availability of each key); the README's "How permissions are evaluated" has the table.
 * Keys an action can never carry (a service key the action does not list, a request-tag key on an
 * action that takes no tags) are absent, from the service data. What the user states in the config's
 * `context` fills what stays unknown; it never overrides what is derived.
 */
import { keyState, type Context, type Request } from '../iam/evaluate.js';
import { action as actionData, service, KeySet } from '../iam/data.js';
import type { Caller, Model, Setup, StatedContext, StatedValues } from '../model.js';
import { REPLICATION_SERVICE, type Grant } from './catalogue.js';

/** Who makes a call. */
export type CallKind = 'caller' | 'role' | 'service';

/** The context of one kind of call for one setup (before the action and the resource are known). */
export interface CallContext {
  kind: CallKind;
  principal?: { type: 'AWS' | 'Service'; id: string };
  context: Record<string, string | string[]>;
  /** Lower-case keys known absent (exact names). */
  absent: Set<string>;
  /** Lower-case key prefixes known absent (`aws:principaltag/`). */
  absentPrefixes: string[];
}

/** Keys of a call made through a service (forward access sessions). */
const VIA_KEYS: ReadonlySet<string> = new Set(['aws:calledvia', 'aws:calledviafirst', 'aws:calledvialast']);

/** Keys only a human's or a federated session carries, or only a service principal's request. */
const NOT_IN_ROLE_SESSION = [
  'aws:username', // IAM users only
  'aws:MultiFactorAuthAge', // only when MFA was used
  'aws:FederatedProvider',
  'aws:AssumedRoot',
  'aws:Ec2InstanceSourceVpc',
  'aws:Ec2InstanceSourcePrivateIPv4',
  // Forward access sessions only: the service calls with the role's own session.
  'aws:CalledVia',
  'aws:CalledViaFirst',
  'aws:CalledViaLast',
  // Only a service principal's own request carries these.
  'aws:PrincipalServiceName',
  'aws:PrincipalServiceNamesList',
  'aws:SourceArn',
  'aws:SourceAccount',
  'aws:SourceOrgID',
  'aws:SourceOrgPaths',
];

/** A service principal has no IAM identity, account, organization or tags, and signs no MFA. */
const NOT_FROM_SERVICE_PRINCIPAL = [
  'aws:PrincipalArn',
  'aws:PrincipalAccount',
  'aws:PrincipalOrgID',
  'aws:PrincipalOrgPaths',
  'aws:username',
  'aws:userid',
  'aws:MultiFactorAuthPresent',
  'aws:MultiFactorAuthAge',
  'aws:TokenIssueTime',
  'aws:FederatedProvider',
  'aws:CalledVia',
  'aws:CalledViaFirst',
  'aws:CalledViaLast',
  // The replication service sends no external ID (the User Guide's trust policy has none).
  'sts:ExternalId',
];

const lower = (keys: readonly string[]): Set<string> => new Set(keys.map((k) => k.toLowerCase()));

function base(kind: CallKind): CallContext {
  return { kind, context: {}, absent: new Set(), absentPrefixes: [] };
}

/** What the user stated fills the keys still unknown (derived values and absences win). */
function state(call: CallContext, stated: StatedValues | undefined): void {
  for (const [key, value] of Object.entries(stated ?? {})) {
    const k = key.toLowerCase();
    const derived =
      call.absent.has(k) ||
      call.absentPrefixes.some((p) => k.startsWith(p)) ||
      Object.keys(call.context).some((c) => c.toLowerCase() === k);
    if (derived) continue;
    if (value === null) call.absent.add(k);
    else call.context[key] = typeof value === 'string' ? value : [...value];
  }
}

/** The replication role's session, as the service uses it. */
export function roleCall(setup: Setup, stated?: StatedContext): CallContext | undefined {
  if (!setup.role) return undefined;
  const call = base('role');
  call.principal = { type: 'AWS', id: setup.role.arn };
  Object.assign(call.context, {
    'aws:PrincipalArn': setup.role.arn,
    'aws:PrincipalAccount': setup.role.account,
    'aws:PrincipalType': 'AssumedRole',
    'aws:PrincipalIsAWSService': 'false',
    // False when a service uses a service role (not a forward access session).
    'aws:ViaAWSService': 'false',
    // A role session signs with temporary credentials, and the service uses no MFA.
    'aws:MultiFactorAuthPresent': 'false',
  });
  call.absent = lower(NOT_IN_ROLE_SESSION);
  state(call, stated?.all);
  state(call, stated?.role);
  return call;
}

/** The caller, as far as the run says who it is. */
export function callerCall(caller: Caller | undefined, stated?: StatedContext): CallContext {
  const call = base('caller');
  call.context['aws:PrincipalIsAWSService'] = 'false';
  for (const k of [
    'aws:PrincipalServiceName',
    'aws:PrincipalServiceNamesList',
    'aws:SourceArn',
    'aws:SourceAccount',
    'aws:SourceOrgID',
    'aws:SourceOrgPaths',
  ])
    call.absent.add(k.toLowerCase());
  const who = caller?.principal;
  if (who?.arn !== undefined && (who.kind === 'user' || who.kind === 'role')) {
    const account = who.arn.split(':')[4] ?? '';
    call.principal = { type: 'AWS', id: who.arn };
    Object.assign(call.context, {
      'aws:PrincipalArn': who.arn,
      'aws:PrincipalAccount': account,
      'aws:PrincipalType': who.kind === 'user' ? 'User' : 'AssumedRole',
    });
    if (who.kind === 'user' && who.name !== undefined) call.context['aws:username'] = who.name;
    else call.absent.add('aws:username');
    if (who.kind === 'user') call.absent.add('aws:federatedprovider');
  }
  state(call, stated?.all);
  state(call, stated?.caller);
  return call;
}

/** The replication service assuming the role (what it sends; the domain notes record it). */
export function serviceCall(setup: Setup, stated?: StatedContext): CallContext {
  const call = base('service');
  call.principal = { type: 'Service', id: REPLICATION_SERVICE };
  Object.assign(call.context, {
    'aws:PrincipalIsAWSService': 'true',
    'aws:PrincipalServiceName': REPLICATION_SERVICE,
  });
  if (setup.source) {
    call.context['aws:SourceAccount'] = setup.source.bucket.account;
    // Bucket level: the source bucket (AWS's CDK integration stacks deploy and prove it). Table
    // level: undocumented, so unknown.
    if (setup.source.level === 'bucket') call.context['aws:SourceArn'] = setup.source.bucket.arn;
  }
  call.absent = lower(NOT_FROM_SERVICE_PRINCIPAL);
  call.absentPrefixes = ['aws:principaltag/'];
  // Only keys about the source and the resource: the service principal has no identity to state.
  const resourceSide = (values: StatedValues | undefined): StatedValues =>
    Object.fromEntries(
      Object.entries(values ?? {}).filter(([k]) => /^aws:(SourceOrg|ResourceOrg|ResourceTag\/)/i.test(k)),
    );
  state(call, resourceSide(stated?.all));
  return call;
}

const ACTION_KEYS = new Map<string, KeySet | null>();

/** The condition keys an action supports (its own and its resource types'); null if the data lacks it. */
function supported(action: string): KeySet | null {
  const lowerAction = action.toLowerCase();
  let set = ACTION_KEYS.get(lowerAction);
  if (set === undefined) {
    const info = actionData(action);
    const svc = service(action.slice(0, action.indexOf(':')));
    if (!info || !svc) set = null;
    else {
      const names = [...info.conditionKeys];
      for (const rt of info.resourceTypes)
        names.push(
          ...rt.conditionKeys,
          ...(svc.resourceTypes.get(rt.name.toLowerCase())?.conditionKeys ?? []),
        );
      set = new KeySet(names.map((key) => ({ key, type: '' })));
    }
    ACTION_KEYS.set(lowerAction, set);
  }
  return set;
}

/** Tag keys a request carries only when the action takes or reads tags. */
const TAG_KEYS = /^aws:(requesttag\/|tagkeys$|resourcetag\/)/;

/**
 * Can `action` never carry `lowerKey`? A key of the action's own service that it does not list, or
 * a request/resource tag key it does not list. Keys of other services stay possible (cross-service
 * keys such as ec2:SourceInstanceARN travel with requests to every service).
 */
export function neverCarried(action: string, lowerKey: string): boolean {
  const keys = supported(action);
  if (!keys) return false;
  const colon = action.indexOf(':');
  const prefix = action.slice(0, colon + 1).toLowerCase();
  if (lowerKey.startsWith(prefix)) return !keys.has(lowerKey);
  if (TAG_KEYS.test(lowerKey)) return !keys.has(lowerKey);
  return false;
}

/** `arn:partition:service:region:account:...` → region and account (empty when absent). */
function arnFields(arn: string): { region: string; account: string } | undefined {
  const parts = arn.split(':');
  return parts[0] === 'arn' && parts.length >= 6
    ? { region: parts[3] ?? '', account: parts[4] ?? '' }
    : undefined;
}

/**
 * The evaluator's request for one action on one resource in a call. `region`: the Region of the
 * API call (default: the resource's; iam:PassRole is checked in the Put...Replication call, so
 * the source's Region).
 */
export function requestFor(
  call: CallContext,
  action: string,
  resource: string,
  extra: { region?: string; context?: Context } = {},
): Request {
  const context: Record<string, string | readonly string[]> = { ...call.context };
  const fields = arnFields(resource);
  const region = extra.region ?? fields?.region;
  if (region && !('aws:RequestedRegion' in context) && call.kind !== 'service')
    context['aws:RequestedRegion'] = region;
  if (fields?.account) context['aws:ResourceAccount'] = fields.account;
  // The role's KMS calls may be made by S3 Tables on the role's behalf (a forward access session,
  // as S3 does for SSE-KMS): whether they come via a service is unknown there.
  const viaUnknown = call.kind === 'role' && !action.toLowerCase().startsWith('s3tables:');
  if (viaUnknown) delete context['aws:ViaAWSService'];
  Object.assign(context, extra.context ?? {});
  const request: Request = {
    action,
    resource,
    context,
    absent: (k) =>
      (call.absent.has(k) && !(viaUnknown && VIA_KEYS.has(k))) ||
      call.absentPrefixes.some((p) => k.startsWith(p)) ||
      neverCarried(action, k),
  };
  if (call.principal) request.principal = call.principal;
  return request;
}

/** The contexts of one setup's calls, built once (rules share them). */
export interface SetupCalls {
  role?: CallContext;
  caller: CallContext;
  service: CallContext;
}

const CACHE = new WeakMap<Setup, SetupCalls>();

export function callsOf(model: Pick<Model, 'caller' | 'context'>, setup: Setup): SetupCalls {
  let calls = CACHE.get(setup);
  if (!calls) {
    const role = roleCall(setup, model.context);
    calls = {
      ...(role ? { role } : {}),
      caller: callerCall(model.caller, model.context),
      service: serviceCall(setup, model.context),
    };
    CACHE.set(setup, calls);
  }
  return calls;
}

/** The role's call context of a setup that has a role. */
export function roleCallOf(
  model: Pick<Model, 'caller' | 'context'>,
  setup: Setup & { role: NonNullable<Setup['role']> },
): CallContext {
  const call = callsOf(model, setup).role;
  if (!call) throw new Error(`no role call for ${setup.role.arn}`);
  return call;
}

/**
 * The state of each condition key of `keys` in `request`, for --explain:
 * `aws:SourceVpce unknown`, `aws:MultiFactorAuthAge absent`, `aws:PrincipalAccount = 111122223333`.
 */
export function describeKeys(request: Request, keys: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const key of keys) {
    const k = key.toLowerCase();
    if (seen.has(k)) continue;
    seen.add(k);
    const s = keyState(request, key);
    if (s.state === 'value') {
      const v = s.value;
      out.push(`${key} = ${typeof v === 'string' ? v : `[${(v ?? []).join(', ')}]`} (known)`);
    } else out.push(`${key} ${s.state}`);
  }
  return out;
}

/** The request of one action of a grant in a call (gaps()' RequestOf). */
export const grantRequest =
  (call: CallContext) =>
  (grant: Grant, action: string): Request =>
    requestFor(call, action, grant.resource, {
      ...(grant.region !== undefined ? { region: grant.region } : {}),
      ...(grant.context ? { context: grant.context } : {}),
    });
