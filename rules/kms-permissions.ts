import { isComplete, kmsRequired, PAGES } from '../src/replication/catalogue.js';
import { grantRequest, roleCallOf } from '../src/replication/context.js';
import { gaps, provable, reportGaps, targetOf, unknownReason } from '../src/replication/gaps.js';
import { defineRule } from '../src/rule.js';

export default defineRule({
  id: 'kms-permissions',
  description:
    'When the source or a destination table bucket uses SSE-KMS, the replication role must be allowed to use its key.',
  level: 'warning',
  helpUri: PAGES.userGuide,
  check({ model, report, skip }) {
    if (model.encryptions.length === 0) return;
    for (const l of model.setups) {
      if (!isComplete(l)) continue;
      const grants = kmsRequired(l);
      if (grants.length === 0) continue;
      const target = targetOf(l.role.policies);
      if (!target) {
        skip(
          `no permissions policy for role ${l.role.arn} among the inputs: its KMS permissions were not checked`,
        );
        continue;
      }
      const unknown = l.role.unknownAttached;
      if (unknown.length > 0) skip(unknownReason(`role ${l.role.arn}`, unknown));
      reportGaps(
        { report },
        provable(gaps(l.role.policies, grants, grantRequest(roleCallOf(model, l))), unknown),
        {
          who: `role ${l.role.name}`,
          target,
          because: ' (the bucket is encrypted with this key; the key policy must allow the role too)',
        },
      );
    }
  },
});
