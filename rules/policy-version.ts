import { isObject } from '../src/values.js';
import { defineRule, rulePage } from '../src/rule.js';

const FIX = { description: 'set the policy language version', value: { Version: '2012-10-17' } };

export default defineRule({
  id: 'policy-version',
  description:
    'A policy should declare "Version": "2012-10-17"; without it, or with 2008-10-17, policy variables are not substituted.',
  level: 'warning',
  helpUri: rulePage('policy-version'),
  tags: ['iam', 'maintainability'],
  policy({ doc }, { report }) {
    const policy = doc.data;
    if (!isObject(policy)) return;
    if (!Object.prototype.hasOwnProperty.call(policy, 'Version')) {
      report({
        doc,
        path: [],
        message:
          'no "Version": IAM reads the policy as 2008-10-17, where policy variables such as ${aws:username} are plain text; add "Version": "2012-10-17"',
        fix: FIX,
      });
    } else if (policy['Version'] === '2008-10-17') {
      report({
        doc,
        path: ['Version'],
        message:
          '"Version" is the legacy 2008-10-17, where policy variables such as ${aws:username} are plain text; use "2012-10-17"',
        fix: FIX,
      });
    }
  },
});
