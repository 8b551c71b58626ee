import { readErrorsOf } from '../src/replication/live.js';
import { defineRule, rulePage } from '../src/rule.js';

const IAM = new Set([
  'GetRole',
  'ListRolePolicies',
  'GetRolePolicy',
  'ListAttachedRolePolicies',
  'GetPolicy',
  'GetPolicyVersion',
  'SimulatePrincipalPolicy',
]);
const actionOf = (operation: string): string =>
  operation === 'GetCallerIdentity'
    ? 'sts:GetCallerIdentity'
    : `${IAM.has(operation) ? 'iam' : 's3tables'}:${operation}`;

/** Reported by aws-resource-missing instead: a part of a configuration that does not exist. */
export const isMissingPart = (e: { kind: string; subject?: string }): boolean =>
  e.kind === 'not-found' && e.subject !== undefined;

export default defineRule({
  id: 'aws-read-error',
  description:
    'Every read of the audit or the dry run should succeed; what could not be read was not checked.',
  level: 'warning',
  helpUri: rulePage('aws-read-error'),
  tags: ['aws', 'input'],
  requiresAws: true,
  check({ model, report }) {
    for (const doc of model.aws) {
      const found = readErrorsOf(doc);
      if (!found) continue;
      for (const e of found.errors) {
        if (isMissingPart(e)) continue;
        const what = `${e.operation} on ${e.resource || 'the account'}`;
        const message =
          e.operation === 'AssumeRole'
            ? `the role ${e.resource} could not be assumed (${e.code}: ${e.message}), so account ${e.resource.split(':')[4] ?? ''} was not audited; create the role there with a trust policy that lets the principal running s3tables-lint assume it, or give the right --role-name or --external-id`
            : e.kind === 'access-denied'
              ? `${what} was denied (${e.code}), so it was not checked; allow ${actionOf(e.operation)} to the principal that runs s3tables-lint (see the README's read-only policy)`
              : e.kind === 'throttled'
                ? `${what} was still throttled after the SDK's retries (${e.code}), so it was not checked; run again with a lower --concurrency`
                : e.kind === 'not-found'
                  ? `${what} found nothing (${e.code}): it was deleted while the run read it, so it was not checked; run again`
                  : e.code === 'OtherAccount'
                    ? `${what} was not read: ${e.message}; lint that role's documents from its own account`
                    : `${what} failed (${e.code}: ${e.message}), so it was not checked`;
        report({ doc, path: [found.key, 'errors', e.index], message, key: `${e.operation} ${e.resource}` });
      }
    }
  },
});
