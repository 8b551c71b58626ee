import { linkReplication, roleDocsOf, rolePoliciesOf, unknownAttached } from '../src/link.js';
import {
  gaps,
  isComplete,
  kmsRequired,
  PAGES,
  provable,
  reportGaps,
  targetOf,
  unknownReason,
} from '../src/permissions.js';
import { defineRule } from '../src/rule.js';

export default defineRule({
  id: 'kms-permissions',
  description:
    'When the source or a destination table bucket uses SSE-KMS, the replication role must be allowed to use its key.',
  level: 'warning',
  helpUri: PAGES.userGuide,
  check({ model, report, skip }) {
    if (model.encryptions.length === 0) return;
    const keyOf = (bucketArn: string): string | undefined => {
      const e = model.encryptions.find((x) => x.tableBucketARN === bucketArn && x.sseAlgorithm === 'aws:kms');
      return e?.kmsKeyArn;
    };
    for (const doc of model.replications) {
      const l = linkReplication(doc);
      if (!isComplete(l)) continue;
      const grants = kmsRequired(l, keyOf);
      if (grants.length === 0) continue;
      const target = targetOf(rolePoliciesOf(model, l.role));
      if (!target) {
        skip(
          `no permissions policy for role ${l.role.arn} among the inputs: its KMS permissions were not checked`,
        );
        continue;
      }
      const unknown = unknownAttached(
        model,
        roleDocsOf(model, l.role).flatMap((r) => r.attached),
      );
      if (unknown.length > 0) skip(unknownReason(`role ${l.role.arn}`, unknown));
      reportGaps({ report }, provable(gaps(rolePoliciesOf(model, l.role), grants), unknown), {
        who: `role ${l.role.name}`,
        target,
        because: ' (the bucket is encrypted with this key; the key policy must allow the role too)',
      });
    }
  },
});
