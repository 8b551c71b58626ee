import { PARSE_ERROR } from '../src/model.js';
import { defineRule, rulePage } from '../src/rule.js';

export default defineRule({
  id: PARSE_ERROR,
  description: 'An input file could not be read as a UTF-8 JSON document.',
  level: 'error',
  helpUri: rulePage('parse-error'),
  tags: ['input'],
  check({ model, report }) {
    for (const p of model.problems) {
      if (p.ruleId !== PARSE_ERROR) continue;
      report({
        doc: p.doc,
        path: [],
        message: p.message,
        // One per file; the message holds offsets, which must not move the fingerprint.
        key: 'unreadable',
        range: { offset: p.offset ?? 0, length: p.length ?? 0 },
      });
    }
  },
});
