import type { Rule } from '../src/rule.js';
import awsReadError from './aws-read-error.js';
import awsResourceMissing from './aws-resource-missing.js';
import callerPermissions from './caller-permissions.js';
import callerSimulation from './caller-simulation.js';
import conditionKey from './condition-key.js';
import conditionOperator from './condition-operator.js';
import destinationBucketPolicy from './destination-bucket-policy.js';
import destinationIsSource from './destination-is-source.js';
import duplicateDestination from './duplicate-destination.js';
import duplicateSid from './duplicate-sid.js';
import inputShape from './input-shape.js';
import kmsPermissions from './kms-permissions.js';
import misspelledAction from './misspelled-action.js';
import parseError from './parse-error.js';
import partitionMismatch from './partition-mismatch.js';
import passroleCondition from './passrole-condition.js';
import policyGrammar from './policy-grammar.js';
import policyGuardrails from './policy-guardrails.js';
import policyVariablePosition from './policy-variable-position.js';
import policyVersion from './policy-version.js';
import replicationShape from './replication-shape.js';
import replicationStatus from './replication-status.js';
import resourceTypeMismatch from './resource-type-mismatch.js';
import roleAccount from './role-account.js';
import roleArn from './role-arn.js';
import rolePermissions from './role-permissions.js';
import roleTrust from './role-trust.js';
import tableArn from './table-arn.js';
import tableBucketArn from './table-bucket-arn.js';
import unknownAction from './unknown-action.js';
import unknownDocument from './unknown-document.js';
import unusedSuppression from './unused-suppression.js';
import versionToken from './version-token.js';

/** Every built-in rule, sorted by id. The registry test keeps this, rules/*.ts, fixtures and the README in step. */
const rules: readonly Rule[] = [
  awsReadError,
  awsResourceMissing,
  callerPermissions,
  callerSimulation,
  conditionKey,
  conditionOperator,
  destinationBucketPolicy,
  destinationIsSource,
  duplicateDestination,
  duplicateSid,
  inputShape,
  kmsPermissions,
  misspelledAction,
  parseError,
  partitionMismatch,
  passroleCondition,
  policyGrammar,
  policyGuardrails,
  policyVariablePosition,
  policyVersion,
  replicationShape,
  replicationStatus,
  resourceTypeMismatch,
  roleAccount,
  roleArn,
  rolePermissions,
  roleTrust,
  tableArn,
  tableBucketArn,
  unknownAction,
  unknownDocument,
  unusedSuppression,
  versionToken,
];

export default rules;
