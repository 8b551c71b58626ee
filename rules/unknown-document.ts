import { UNKNOWN_DOCUMENT } from '../src/model.js';
import { defineRule, rulePage } from '../src/rule.js';

export default defineRule({
  id: UNKNOWN_DOCUMENT,
  description: 'A file named on the command line is neither a replication configuration nor an IAM document.',
  level: 'warning',
  helpUri: rulePage('unknown-document'),
  tags: ['input'],
  check({ model, report }) {
    for (const p of model.problems) {
      if (p.ruleId !== UNKNOWN_DOCUMENT) continue;
      report({
        doc: p.doc,
        path: [],
        message: p.message,
        range: { offset: p.offset ?? 0, length: p.length ?? 0 },
      });
    }
  },
});
