import { UNKNOWN_DOCUMENT } from '../src/model.js';
import { defineRule } from '../src/rule.js';

export default defineRule({
  id: UNKNOWN_DOCUMENT,
  description: 'A file named on the command line is neither a replication configuration nor an IAM document.',
  level: 'warning',
  helpUri: 'https://github.com/s3tables-lint/s3tables-lint/blob/main/docs/rules/unknown-document.md',
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
