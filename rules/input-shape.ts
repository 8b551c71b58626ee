import { INPUT_SHAPE } from '../src/model.js';
import { defineRule, rulePage } from '../src/rule.js';

export default defineRule({
  id: INPUT_SHAPE,
  description:
    'Part of an input is not what AWS prints (an export entry that is not an object, no default policy version, an unknown encryption algorithm), so it is not linted.',
  level: 'error',
  helpUri: rulePage('input-shape'),
  tags: ['input', 'correctness'],
  check({ model, report }) {
    for (const p of model.problems) {
      if (p.ruleId !== INPUT_SHAPE) continue;
      report({ doc: p.doc, path: p.path ?? [], message: p.message, ...(p.level ? { level: p.level } : {}) });
    }
  },
});
