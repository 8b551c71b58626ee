import { variableBeforeFifthColon } from '../src/iam/variables.js';
import { defineRule, rulePage } from '../src/rule.js';

export default defineRule({
  id: 'policy-variable-position',
  description:
    'A Resource or NotResource ARN has a policy variable before its fifth colon, where IAM does not resolve it.',
  level: 'error',
  helpUri: rulePage('policy-variable-position'),
  tags: ['iam', 'correctness'],
  policy({ doc, statements }, { report }) {
    for (const statement of statements) {
      for (const item of [...(statement.resource ?? []), ...(statement.notResource ?? [])]) {
        if (!item.value.includes('${')) continue;
        const found = variableBeforeFifthColon(item.value);
        if (!found) continue;
        report({
          doc,
          path: item.path,
          message: `policy variable ${found.variable} is in the ${found.field} field of "${item.value}"; IAM resolves variables only after the fifth colon (in the resource part of the ARN): write the ${found.field} literally or use * there`,
        });
      }
    }
  },
});
