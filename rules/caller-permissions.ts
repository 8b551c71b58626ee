import {
  callerApiReference,
  callerRequired,
  callerUserGuide,
  isComplete,
  PAGES,
} from '../src/replication/catalogue.js';
import { callsOf, grantRequest } from '../src/replication/context.js';
import { gaps, provable, reportGaps, targetOf, unknownReason } from '../src/replication/gaps.js';
import { NO_CALLER, noReplication, noSource } from '../src/replication/missing.js';
import { defineRule, rulePage } from '../src/rule.js';

export default defineRule({
  id: 'caller-permissions',
  description:
    'The principal that calls Put...Replication must be allowed the call on the source and iam:PassRole of the replication role to replication.s3tables.amazonaws.com.',
  level: 'error',
  helpUri: rulePage('caller-permissions'),
  tags: ['security', 'iam', 'replication', 'permissions'],
  seeAlso: [PAGES.putTable, PAGES.putBucket],
  check({ model, report, skip }) {
    const none = noReplication(model);
    if (none) skip(none);
    if (model.replications.length === 0) return;
    const caller = model.caller?.policies;
    if (caller === undefined) {
      skip(NO_CALLER);
      return;
    }
    const unknown = model.caller?.unknownAttached ?? [];
    if (unknown.length > 0) skip(unknownReason('the caller', unknown));
    const target = targetOf(caller);
    if (!target) return;
    for (const l of model.setups) {
      const doc = l.doc;
      if (!isComplete(l)) {
        // No valid role ARN: role-arn reports it.
        if (!l.source) skip(noSource(doc.file.name, "the caller's permissions for it"));
        continue;
      }
      const api = l.source.level === 'table' ? 'PutTableReplication' : 'PutTableBucketReplication';
      const requestOf = grantRequest(callsOf(model, l).caller);
      reportGaps({ report }, provable(gaps(caller, callerRequired(l), requestOf), unknown), {
        who: 'the caller',
        target,
      });
      reportGaps({ report }, provable(gaps(caller, callerUserGuide(l), requestOf), unknown), {
        who: 'the caller',
        target,
        level: 'warning',
        because: ' (the S3 User Guide lists it for the identity that sets up replication)',
      });
      reportGaps({ report }, provable(gaps(caller, callerApiReference(l), requestOf), unknown), {
        who: 'the caller',
        target,
        level: 'warning',
        because: ` (the ${api} API reference lists it for the caller; the User Guide only for the role)`,
      });
    }
  },
});
