import { isComplete, kmsRequired } from '../src/replication/catalogue.js';
import { grantRequest, roleCallOf } from '../src/replication/context.js';
import { gaps, provable, reportGaps, targetOf, unknownReason } from '../src/replication/gaps.js';
import { noReplication, noRolePolicy } from '../src/replication/missing.js';
import { defineRule, rulePage } from '../src/rule.js';

export default defineRule({
  id: 'kms-permissions',
  description:
    'When the source or a destination table bucket uses SSE-KMS, the replication role must be allowed to use its key.',
  level: 'warning',
  helpUri: rulePage('kms-permissions'),
  tags: ['security', 'iam', 'replication', 'permissions', 'kms'],
  check({ model, report, skip }) {
    const none = noReplication(model);
    if (none) skip(none);
    // Encryption the inputs do not give cannot be judged: say which buckets (SSE-S3 is the default).
    const known = new Set(model.encryptions.map((e) => e.tableBucketARN));
    const unknown = new Map<string, string>();
    for (const l of model.setups) {
      if (!l.source) continue; // the other permission rules say so
      for (const b of [l.source.bucket, ...l.destinations.map((d) => d.bucket)])
        if (!known.has(b.arn)) unknown.set(b.arn, b.name);
    }
    if (unknown.size > 0)
      skip(
        `no encryption settings for table bucket${unknown.size > 1 ? 's' : ''} ${[...unknown.values()].join(', ')} (put-table-bucket-encryption --cli-input-json; or turn kms-permissions off in .s3tables-lint.json if no bucket uses SSE-KMS): the role's use of ${unknown.size > 1 ? 'their KMS keys' : 'its KMS key'} was not checked`,
      );
    if (model.encryptions.length === 0) return;
    for (const l of model.setups) {
      if (!isComplete(l)) continue;
      const grants = kmsRequired(l);
      if (grants.length === 0) continue;
      const target = targetOf(l.role.policies);
      if (!target) {
        skip(noRolePolicy(l.role, 'KMS permissions'));
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
