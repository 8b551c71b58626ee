import { defineRule, rulePage } from '../src/rule.js';
import { UNUSED_SUPPRESSION } from '../src/suppress.js';

// No check: the suppression stage (src/suppress.ts) emits these findings once it knows which
// suppressions matched nothing; selecting or re-levelling the rule works as for any other.
export default defineRule({
  id: UNUSED_SUPPRESSION,
  description: 'A suppression in the config file matches no finding, so it can be removed.',
  level: 'note',
  helpUri: rulePage('unused-suppression'),
  tags: ['maintainability'],
});
