import type { Rule } from '../src/rule.js';
import duplicateSid from './duplicate-sid.js';
import parseError from './parse-error.js';
import policyGrammar from './policy-grammar.js';
import policyVersion from './policy-version.js';
import replicationShape from './replication-shape.js';
import unknownDocument from './unknown-document.js';

/** Every built-in rule, sorted by id. The registry test keeps this, rules/*.ts, fixtures and the README in step. */
const rules: readonly Rule[] = [
  duplicateSid,
  parseError,
  policyGrammar,
  policyVersion,
  replicationShape,
  unknownDocument,
];

export default rules;
