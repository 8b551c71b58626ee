import { evaluate } from '../src/iam/evaluate.js';
import type { Statement } from '../src/iam/policy.js';
import {
  isComplete,
  roleRequired,
  statementFor,
  type Complete,
  type Grant,
} from '../src/replication/catalogue.js';
import { grantRequest, roleCallOf } from '../src/replication/context.js';
import {
  gaps,
  provable,
  reportGaps,
  targetOf,
  unknownReason,
  type Gap,
  type RequestOf,
} from '../src/replication/gaps.js';
import { noReplication, noRolePolicy, noSource, pathMismatch } from '../src/replication/missing.js';
import type { PolicyDoc } from '../src/model.js';
import { defineRule, rulePage, type RuleContext } from '../src/rule.js';

export default defineRule({
  id: 'role-permissions',
  description:
    'The replication role must be allowed to read the source and to create and write tables in every destination, and no more.',
  level: 'error',
  helpUri: rulePage('role-permissions'),
  tags: ['security', 'iam', 'replication', 'least-privilege'],
  securitySeverity: 5.5,
  check({ model, report, skip }) {
    const none = noReplication(model);
    if (none) skip(none);
    for (const l of model.setups) {
      const doc = l.doc;
      if (!isComplete(l)) {
        if (l.role) skip(noSource(doc.file.name, "the role's permissions for it"));
        continue;
      }
      const policies = l.role.policies;
      const target = targetOf(policies);
      if (!target) {
        skip(l.role.otherPaths.length > 0 ? pathMismatch(l.role, l.role.otherPaths) : noRolePolicy(l.role));
        continue;
      }
      const unknown = l.role.unknownAttached;
      if (unknown.length > 0) skip(unknownReason(`role ${l.role.arn}`, unknown));
      const requestOf = grantRequest(roleCallOf(model, l));
      reportGaps(
        { report },
        provable(grantedByBucketPolicy(l, gaps(policies, roleRequired(l), requestOf), requestOf), unknown),
        {
          who: `role ${l.role.name}`,
          target,
          describe: (g) => describe(l, g),
        },
      );
      overBroad(l, policies, report);
    }
  },
});

/**
 * In the role's own account, a table bucket policy that allows the role is enough (IAM's
 * evaluation logic: within one account, an Allow in an identity or a resource policy grants; a
 * boundary still limits it, which policy-guardrails checks): those actions are not missing.
 */
function grantedByBucketPolicy(l: Complete, found: Gap[], requestOf: RequestOf): Gap[] {
  return found.map((gap) => {
    const dest = l.destinations.find(
      (d) =>
        d.bucket.account === l.role.account &&
        (gap.grant.resource === d.bucket.arn || gap.grant.resource.startsWith(`${d.bucket.arn}/`)),
    );
    if (!dest || dest.policies.length === 0) return gap;
    const missing = gap.missing.filter(
      (a) => evaluate(dest.policies, requestOf(gap.grant, a)).decision === 'implicit-deny',
    );
    return { ...gap, missing };
  });
}

function describe(l: Complete, g: Grant): string {
  const dest = l.destinations.find(
    (d) => g.resource === d.bucket.arn || g.resource.startsWith(`${d.bucket.arn}/`),
  );
  if (!dest) return `the source ${g.resource}`;
  return g.resource === dest.bucket.arn
    ? `destination bucket ${dest.bucket.arn}`
    : `the tables of destination ${dest.bucket.arn} (${g.resource})`;
}

/** Statements that grant far more than replication needs: any s3tables action, or every bucket. */
function overBroad(l: Complete, policies: readonly PolicyDoc[], report: RuleContext['report']): void {
  const needless = 's3tables actions replication does not need';
  const probes = [
    // Destructive and not needed: a grant of them means the action list is a wildcard.
    { action: 's3tables:DeleteTableBucket', resource: l.source.bucket.arn, what: needless },
    { action: 's3tables:DeleteTable', resource: `${l.source.bucket.arn}/table/*`, what: needless },
    // Every table of every bucket: the Resource is a wildcard beyond the source and destinations.
    {
      action: 's3tables:PutTableData',
      resource: `arn:${l.source.bucket.partition}:s3tables:*:*:bucket/*/table/*`,
      what: 'access to every table bucket',
    },
  ];
  const found = new Map<Statement, string[]>();
  for (const probe of probes) {
    for (const t of evaluate(policies, { action: probe.action, resource: probe.resource }).trace) {
      if (t.outcome !== 'allows') continue;
      const what = found.get(t.statement) ?? [];
      if (!what.includes(probe.what)) found.set(t.statement, [...what, probe.what]);
    }
  }
  for (const [s, what] of found) {
    report({
      doc: s.policy,
      path: s.path,
      level: 'warning',
      message: `this statement grants the replication role ${what.join(' and ')}; replace it with the least-privilege statements`,
      key: 'over-broad',
      fix: {
        description: 'statements that grant exactly what replication needs',
        value: roleRequired(l).map((g) => statementFor(g)),
      },
    });
  }
}
