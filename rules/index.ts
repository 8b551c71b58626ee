import type { Rule } from '../src/rule.js';
import destinationIsSource from './destination-is-source.js';
import duplicateDestination from './duplicate-destination.js';
import duplicateSid from './duplicate-sid.js';
import parseError from './parse-error.js';
import partitionMismatch from './partition-mismatch.js';
import policyGrammar from './policy-grammar.js';
import policyVersion from './policy-version.js';
import replicationShape from './replication-shape.js';
import roleArn from './role-arn.js';
import tableArn from './table-arn.js';
import tableBucketArn from './table-bucket-arn.js';
import unknownDocument from './unknown-document.js';
import unusedSuppression from './unused-suppression.js';

/** Every built-in rule, sorted by id. The registry test keeps this, rules/*.ts, fixtures and the README in step. */
const rules: readonly Rule[] = [
  destinationIsSource,
  duplicateDestination,
  duplicateSid,
  parseError,
  partitionMismatch,
  policyGrammar,
  policyVersion,
  replicationShape,
  roleArn,
  tableArn,
  tableBucketArn,
  unknownDocument,
  unusedSuppression,
];

export default rules;
