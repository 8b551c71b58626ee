import {
  callerRequired,
  isComplete,
  kmsRequired,
  PAGES,
  REPLICATION_SERVICE,
  roleRequired,
  type Complete,
  type Grant,
} from '../src/replication/catalogue.js';
import { callsOf, grantRequest, type CallContext } from '../src/replication/context.js';
import { gaps, reportGaps } from '../src/replication/gaps.js';
import { callerBoundary, rcpLayers, roleBoundary, scpLayers, type Layer } from '../src/replication/stack.js';
import type { Model } from '../src/model.js';
import { defineRule, rulePage, type RuleContext } from '../src/rule.js';

const accountOf = (arn: string): string => arn.split(':')[4] ?? '';

/** Judges each grant against each layer: a Deny in a layer, or a layer that allows nothing of it. */
function judge(
  ctx: Pick<RuleContext, 'report'>,
  model: Model,
  call: CallContext,
  grants: readonly Grant[],
  fixed: readonly Layer[],
  who: string,
): void {
  // Each layer with the grants it applies to (RCPs depend on the action's service and the resource's account).
  const perLayer = new Map<Layer, Grant[]>();
  for (const grant of grants) {
    const action = grant.actions[0];
    if (action === undefined) continue;
    for (const layer of [...fixed, ...rcpLayers(model, action, accountOf(grant.resource))]) {
      const list = perLayer.get(layer) ?? [];
      perLayer.set(layer, [...list, grant]);
    }
  }
  for (const [layer, applied] of perLayer) {
    const target = layer.policies[0];
    if (!target) continue;
    const found = gaps(layer.policies, applied, grantRequest(call));
    reportGaps(ctx, layer.denyOnly ? found.map((g) => ({ ...g, missing: [] })) : found, {
      who,
      target,
      layer: layer.name,
      ...(layer.kind === 'scp'
        ? {
            because:
              ' (every SCP level needs an Allow, usually FullAWSAccess: give its file too when it is attached there)',
          }
        : {}),
    });
  }
}

export default defineRule({
  id: 'policy-guardrails',
  description:
    'Permissions boundaries, service control policies and resource control policies must allow every call replication makes.',
  level: 'error',
  helpUri: rulePage('policy-guardrails'),
  tags: ['security', 'iam', 'replication', 'permissions'],
  seeAlso: [
    PAGES.userGuide,
    'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html',
  ],
  check({ model, report, skip }) {
    for (const l of model.setups) {
      if (!l.role) continue;
      const b = l.role.boundary;
      if (b && b.policies.length === 0)
        skip(
          `role ${l.role.arn} has the permissions boundary ${b.arn ?? '(unnamed)'}, whose document is not among the inputs (account authorization details list it under Policies; or bind it with bindings.roles[...].boundary): the boundary was not checked`,
        );
      if (!isComplete(l)) continue;
      checkSetup({ report }, model, l);
    }
    const cb = model.caller?.boundary;
    if (cb && cb.policies.length === 0)
      skip(
        `the caller has the permissions boundary ${cb.arn ?? '(unnamed)'}, whose document is not among the inputs (bind it with bindings.callerBoundary): it was not checked`,
      );
  },
});

function checkSetup(ctx: Pick<RuleContext, 'report'>, model: Model, l: Complete): void {
  const calls = callsOf(model, l);
  const who = `role ${l.role.name}`;
  // The role's calls: its boundary and the SCPs of its account; RCPs of the resources' accounts.
  const roleLayers = [roleBoundary(l), ...scpLayers(model, l.role.account)].filter(
    (x): x is Layer => x !== undefined,
  );
  if (calls.role) judge(ctx, model, calls.role, [...roleRequired(l), ...kmsRequired(l)], roleLayers, who);
  // The caller: iam:PassRole passes only roles of the caller's own account, so its SCPs are the
  // role account's.
  const callerLayers = [callerBoundary(model), ...scpLayers(model, l.role.account)].filter(
    (x): x is Layer => x !== undefined,
  );
  judge(ctx, model, calls.caller, callerRequired(l), callerLayers, 'the caller');
  // The trust evaluation: RCPs of the role's account apply to sts:AssumeRole (SCPs and boundaries
  // do not limit a service principal).
  const assume: Grant = { sid: 'AssumeReplicationRole', actions: ['sts:AssumeRole'], resource: l.role.arn };
  judge(ctx, model, calls.service, [assume], [], REPLICATION_SERVICE);
}
