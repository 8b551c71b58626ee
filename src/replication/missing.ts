/**
 * Why a permission check could not run, and how to make it run: the reasons the permission rules
 * give `ctx.skip`. One wording per missing input, so rules that skip for the same reason share
 * one `not checked:` line in the text output.
 */
import type { Model, RoleRef } from '../model.js';

const CONFIG = '.s3tables-lint.json';

/** The run holds IAM documents but no replication configuration to check them against. */
export function noReplication(model: Model): string | undefined {
  if (model.replications.length > 0) return undefined;
  if (model.policies.length === 0 && model.roles.length === 0) return undefined;
  return 'no replication configuration among the inputs (the put-table-replication or put-table-bucket-replication request): the permission checks need one to know the source, the role and the destinations';
}

export const NO_CALLER = `no caller policy (--caller-policy FILE, --caller NAME with account authorization details, or bindings.caller in ${CONFIG}): the caller's permissions were not checked`;

export const noTrust = (role: RoleRef): string =>
  `no trust policy for role ${role.arn} (aws iam get-role output, --trust-policy FILE, or bindings.roles["${role.name}"].trust in ${CONFIG}): its trust was not checked`;

export const noRolePolicy = (role: RoleRef, what = 'permissions'): string =>
  `no permissions policy for role ${role.arn} (aws iam get-role-policy output, account authorization details, --role-policy FILE, or bindings.roles["${role.name}"].policies in ${CONFIG}): its ${what} were not checked`;

export const noSource = (file: string, what: string): string =>
  `${file}: no source ARN (Get...Replication output names none: --source ARN, or lint the put-table-replication or put-table-bucket-replication request instead): ${what} were not checked`;

/** A role document whose ARN differs from configuration.role only by the path: said, never linked. */
export const pathMismatch = (role: RoleRef, arns: readonly string[]): string =>
  `role ${role.arn}: the inputs hold a role of that name with ARN ${arns.join(', ')}; a role ARN includes its path, so they are not linked (correct configuration.role or the input)`;
