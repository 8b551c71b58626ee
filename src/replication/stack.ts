/**
 * The guardrail layers of IAM's policy evaluation logic that apply to one call: the principal's
 * permissions boundary, the SCPs of its account, the RCPs of the resource's account. Each layer
 * must allow (within an organization level, one policy of the level) and no layer may deny; the
 * identity and resource policies are the permission rules' (role-permissions, caller-permissions,
 * destination-bucket-policy, role-trust).
 */
import type { Model, OrgLevel, PolicyDoc, Setup } from '../model.js';

/**
 * Services whose actions RCPs apply to (AWS Organizations User Guide, "List of AWS services that
 * support RCPs", as stored for this release): S3 Tables (`s3tables`) and IAM (`iam:PassRole`) are not among
 * them; STS (the trust evaluation) and KMS (the tables' keys) are.
 */
export const RCP_SERVICES: ReadonlySet<string> = new Set([
  'appconfig',
  'appstream',
  'aoss',
  'autoscaling',
  'autoscaling-plans',
  'budgets',
  'clouddirectory',
  'cloudfront',
  'cloudsearch',
  'cloudtrail-data',
  'codeartifact',
  'codebuild',
  'codecommit',
  'codepipeline',
  'cognito-identity',
  'cognito-idp',
  'comprehend',
  'comprehendmedical',
  'compute-optimizer',
  'cost-optimization-hub',
  'dax',
  'dsql',
  'dynamodb',
  'ecr',
  'ecr-public',
  'events',
  'firehose',
  'fis',
  'fms',
  'gamelift',
  'health',
  'inspector-scan',
  'kendra',
  'kinesisvideo',
  'kms',
  'logs',
  'memorydb',
  'networkmonitor',
  'notifications',
  'opensearch',
  'pca-connector-ad',
  'personalize',
  'polly',
  'pricing',
  'resource-groups',
  'rolesanywhere',
  's3',
  'secretsmanager',
  'servicediscovery',
  'signin',
  'sqs',
  'sts',
  'support',
  'swf',
  'textract',
  'timestream-influxdb',
  'transcribe',
  'transfer',
  'translate',
  'wafv2',
  'workspaces',
  'xray',
]);

export type LayerKind = 'boundary' | 'scp' | 'rcp';

/** One guardrail layer: a boundary (one policy) or an organization level (one of its policies must allow). */
export interface Layer {
  kind: LayerKind;
  /** For messages: `the permissions boundary of role R`, `SCP level organization.scps[0]`. */
  name: string;
  policies: PolicyDoc[];
  /** An RCP level always has RCPFullAWSAccess (it cannot be detached): only its Denies count. */
  denyOnly: boolean;
}

export const LAYER_NAMES: Record<LayerKind, string> = {
  boundary: 'permissions boundary',
  scp: 'service control policy',
  rcp: 'resource control policy',
};

const levelLayer = (l: OrgLevel): Layer => ({
  kind: l.kind,
  name: `the ${l.kind.toUpperCase()} level ${l.name} (accounts ${l.accounts.join(', ')})`,
  policies: l.policies,
  denyOnly: l.kind === 'rcp',
});

/** The SCP levels above an account (SCPs limit the principals of member accounts). */
export function scpLayers(model: Pick<Model, 'organization'>, account: string): Layer[] {
  return (model.organization ?? [])
    .filter((l) => l.kind === 'scp' && l.accounts.includes(account) && l.policies.length > 0)
    .map(levelLayer);
}

/** The RCP levels above the account that owns the resource, for actions of services RCPs support. */
export function rcpLayers(
  model: Pick<Model, 'organization'>,
  action: string,
  resourceAccount: string,
): Layer[] {
  const prefix = action.slice(0, action.indexOf(':')).toLowerCase();
  if (!RCP_SERVICES.has(prefix)) return [];
  return (model.organization ?? [])
    .filter((l) => l.kind === 'rcp' && l.accounts.includes(resourceAccount) && l.policies.length > 0)
    .map(levelLayer);
}

/** The role's boundary layer, when its document is among the inputs. */
export function roleBoundary(setup: Setup): Layer | undefined {
  const b = setup.role?.boundary;
  if (!b || b.policies.length === 0) return undefined;
  return {
    kind: 'boundary',
    name: `the permissions boundary of role ${setup.role?.name ?? ''}${b.arn ? ` (${b.arn})` : ''}`,
    policies: b.policies,
    denyOnly: false,
  };
}

/** The caller's boundary layer, when its document is among the inputs. */
export function callerBoundary(model: Pick<Model, 'caller'>): Layer | undefined {
  const b = model.caller?.boundary;
  if (!b || b.policies.length === 0) return undefined;
  return {
    kind: 'boundary',
    name: `the caller's permissions boundary${b.arn ? ` (${b.arn})` : ''}`,
    policies: b.policies,
    denyOnly: false,
  };
}
