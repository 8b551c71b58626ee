import { checkPolicyGrammar } from '../src/iam/grammar.js';
import { defineRule, rulePage } from '../src/rule.js';

export default defineRule({
  id: 'policy-grammar',
  description:
    'An IAM policy must follow the IAM JSON policy grammar, with the elements its policy type (identity, resource or trust) allows.',
  level: 'error',
  helpUri: rulePage('policy-grammar'),
  tags: ['iam', 'correctness'],
  policy({ doc }, { report }) {
    for (const p of checkPolicyGrammar(doc.data, doc.policyType))
      report({ doc, path: p.path, message: p.message });
  },
});
