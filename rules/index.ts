import type { Rule } from '../src/rule.js';
import parseError from './parse-error.js';
import unknownDocument from './unknown-document.js';

/** Every built-in rule, sorted by id. The registry test keeps this, rules/*.ts, fixtures and the README in step. */
const rules: readonly Rule[] = [parseError, unknownDocument];

export default rules;
