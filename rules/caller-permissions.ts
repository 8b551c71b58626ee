import {
  callerApiReference,
  callerRequired,
  callerUserGuide,
  isComplete,
  PAGES,
} from '../src/replication/catalogue.js';
import { callsOf, grantRequest } from '../src/replication/context.js';
import { gaps, provable, reportGaps, targetOf, unknownReason } from '../src/replication/gaps.js';
import { defineRule } from '../src/rule.js';

export default defineRule({
  id: 'caller-permissions',
  description:
    'The principal that calls Put...Replication must be allowed the call on the source and iam:PassRole of the replication role to replication.s3tables.amazonaws.com.',
  level: 'error',
  helpUri: PAGES.userGuide,
  seeAlso: [PAGES.putTable, PAGES.putBucket],
  check({ model, report, skip }) {
    if (model.replications.length === 0) return;
    const caller = model.caller?.policies;
    if (caller === undefined) {
      skip(
        "no caller policy given (--caller-policy FILE or a config binding): the caller's permissions were not checked",
      );
      return;
    }
    const unknown = model.caller?.unknownAttached ?? [];
    if (unknown.length > 0) skip(unknownReason('the caller', unknown));
    const target = targetOf(caller);
    if (!target) return;
    for (const l of model.setups) {
      const doc = l.doc;
      if (!isComplete(l)) {
        skip(
          `${doc.file.name}: no source ARN (Get...Replication output) or no valid role ARN: the caller's permissions for it were not checked`,
        );
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
