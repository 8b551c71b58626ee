import { destinationGrants, isComplete, PAGES, statementFor } from '../src/replication/catalogue.js';
import { grantRequest, roleCallOf } from '../src/replication/context.js';
import { gaps, reportGaps, targetOf } from '../src/replication/gaps.js';
import { defineRule } from '../src/rule.js';

export default defineRule({
  id: 'destination-bucket-policy',
  description:
    'A destination table bucket in another account than the replication role must grant the role, in its table bucket policy, what replication writes.',
  level: 'error',
  helpUri: PAGES.userGuide,
  check({ model, report }) {
    for (const l of model.setups) {
      const doc = l.doc;
      if (!isComplete(l)) continue;
      for (const d of l.destinations) {
        const cross = d.bucket.account !== l.role.account;
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
          because: cross ? ` (cross-account: the bucket policy must allow it too)` : '',
        });
      }
    }
  },
});
