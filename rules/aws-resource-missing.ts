import type { Doc, Path } from '../src/model.js';
import { readErrorsOf, setupFor } from '../src/replication/live.js';
import { defineRule, rulePage } from '../src/rule.js';
import { isMissingPart } from './aws-read-error.js';

export default defineRule({
  id: 'aws-resource-missing',
  description:
    'The source, every destination table bucket and the role a replication configuration names must exist.',
  level: 'error',
  helpUri: rulePage('aws-resource-missing'),
  tags: ['aws', 'replication'],
  requiresAws: true,
  check({ model, report }) {
    for (const doc of model.aws) {
      const found = readErrorsOf(doc);
      if (!found) continue;
      for (const e of found.errors) {
        if (!isMissingPart(e)) continue;
        // Point at the configuration that names the resource when it is among the inputs.
        let at: { doc: Doc; path: Path } = { doc, path: [found.key, 'errors', e.index] };
        const setup = setupFor(model, e.config);
        if (setup?.source) {
          const path =
            e.subject === 'source'
              ? setup.source.path
              : e.subject === 'role'
                ? setup.role?.path
                : setup.destinations.find((d) => d.bucket.arn === e.resource)?.path;
          if (path) at = { doc: setup.doc, path };
        }
        const message =
          e.subject === 'source'
            ? `${e.resource} does not exist (${e.operation}: ${e.code}), so the PUT would fail; create it first or correct the ARN`
            : e.subject === 'role'
              ? `role ${e.resource} does not exist (${e.operation}: ${e.code}): S3 Tables accepts the configuration, and replication then fails when it assumes the role; create the role (s3tables-lint suggest prints its policies) or correct the ARN`
              : `destination table bucket ${e.resource} does not exist (${e.operation}: ${e.code}), so nothing can be replicated to it; create the bucket or correct the ARN`;
        report({ ...at, message, key: `${e.subject} ${e.resource}` });
      }
    }
  },
});
