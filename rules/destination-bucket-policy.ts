import { destinationGrants, isComplete, statementFor } from '../src/replication/catalogue.js';
import { grantRequest, roleCallOf } from '../src/replication/context.js';
import { gaps, reportGaps, targetOf } from '../src/replication/gaps.js';
import { appliesToBucket, isBucketPolicy } from '../src/iam/buckets.js';
import type { Model } from '../src/model.js';
import { knownToDiffer } from '../src/values.js';
import { defineRule, rulePage, type RuleContext } from '../src/rule.js';
import { noReplication, noSource } from '../src/replication/missing.js';

export default defineRule({
  id: 'destination-bucket-policy',
  description:
    'A destination table bucket in another account than the replication role must grant the role, in its table bucket policy, what replication writes.',
  level: 'error',
  helpUri: rulePage('destination-bucket-policy'),
  tags: ['security', 'iam', 'replication', 'permissions', 'cross-account'],
  check({ model, report, skip }) {
    const none = noReplication(model);
    if (none) skip(none);
    unmatched(model, report);
    for (const l of model.setups) {
      const doc = l.doc;
      if (!isComplete(l)) {
        // Without a role ARN, role-arn reports it; without a source, the account cannot be compared.
        if (l.role && l.destinations.length > 0)
          skip(noSource(doc.file.name, "the destinations' bucket policies"));
        continue;
      }
      for (const d of l.destinations) {
        // Cross-account only when known: a template's placeholder account may be the role's.
        const cross = knownToDiffer(d.bucket.account, l.role.account);
        const policies = d.policies;
        const grants = destinationGrants(d.bucket);
        const target = targetOf(policies);
        if (!target) {
          if (!cross) continue;
          report({
            doc,
            path: d.path,
            level: 'note',
            message: `destination ${d.bucket.name} is in account ${d.bucket.account}, the role in ${l.role.account}: the destination's table bucket policy must grant role ${l.role.name} what replication writes (give its get-table-bucket-policy output to check it)`,
            fix: {
              description: `table bucket policy for ${d.bucket.arn} (aws s3tables put-table-bucket-policy, in account ${d.bucket.account})`,
              value: {
                Version: '2012-10-17',
                Statement: grants.map((g) => statementFor(g, g.actions, l.role.arn)),
              },
            },
          });
          continue;
        }
        const found = gaps(policies, grants, grantRequest(roleCallOf(model, l)));
        // In the role's own account the role's identity policy suffices; only a Deny here matters.
        reportGaps({ report }, cross ? found : found.map((g) => ({ ...g, missing: [] })), {
          who: `role ${l.role.arn}`,
          target,
          principal: l.role.arn,
          layer: `the table bucket policy of ${d.bucket.name}`,
          because: cross ? ` (cross-account: the bucket policy must allow it too)` : '',
        });
      }
    }
  },
});

/**
 * A table bucket policy among the inputs that applies to no destination (and not to a source) is
 * reported: it was meant for one, and its Resource names another bucket.
 */
function unmatched(model: Model, report: RuleContext['report']): void {
  const destinations = model.setups.flatMap((l) => l.destinations);
  if (destinations.length === 0) return;
  const linked = new Set(destinations.flatMap((d) => d.policies));
  const sources = model.setups.flatMap((l) => (l.source ? [l.source.bucket] : []));
  for (const p of model.policies) {
    if (p.policyType !== 'resource' || p.orgType !== undefined || linked.has(p)) continue;
    if (!isBucketPolicy(p) || sources.some((b) => appliesToBucket(p, b))) continue;
    const names = [...new Set(destinations.map((d) => d.bucket.arn))];
    report({
      doc: p,
      path: [],
      level: 'warning',
      key: 'unmatched',
      message: `this table bucket policy applies to none of the destinations (${names.join(', ')}): its Resource names no such bucket or its tables, so it was not checked; if it is a destination's policy, make its Resource the bucket (and bucket/table/*)`,
    });
  }
}
