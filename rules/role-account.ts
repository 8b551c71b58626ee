import { PAGES } from '../src/replication/catalogue.js';
import { defineRule, rulePage } from '../src/rule.js';
import { knownToDiffer } from '../src/values.js';

export default defineRule({
  id: 'role-account',
  description: 'The replication role should be in the account of the source table bucket.',
  level: 'warning',
  helpUri: rulePage('role-account'),
  tags: ['replication', 'iam'],
  seeAlso: [PAGES.passRole],
  check({ model, report }) {
    for (const { doc, source, role } of model.setups) {
      // A template's placeholder account may be either: cannot tell.
      if (!source || !role || !knownToDiffer(role.account, source.bucket.account)) continue;
      report({
        doc,
        path: role.path,
        message: `role ${role.name} is in account ${role.account}, the source bucket in ${source.bucket.account}: AWS documents replication roles in the source account, and iam:PassRole passes only roles of the caller's own account; use a role in ${source.bucket.account}`,
        fix: {
          description:
            'a role in the source account (create it with the trust and permissions policies of `s3tables-lint suggest`)',
          value: `arn:${role.partition}:iam::${source.bucket.account}:role/${role.name}`,
        },
      });
    }
  },
});
