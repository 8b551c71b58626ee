import type { Path } from './rule.js';
import type { JsonTree } from './load/json.js';

/** One input file, decoded. */
export interface SourceFile {
  /** As shown to the user: relative to the working directory, forward slashes; `<stdin>` for `-`. */
  name: string;
  /** Decoded text, BOM removed (offsets and columns are counted on this text). */
  text: string;
  /** Named on the command line (not found by a directory scan). */
  explicit: boolean;
  /** Built on first use: only files with findings pay for positions. */
  tree?: JsonTree;
}

interface DocBase {
  file: SourceFile;
  /** Where the payload sits inside the file (e.g. ['Role', 'AssumeRolePolicyDocument']). */
  root: Path;
  /** The payload. */
  data: unknown;
}

export type ReplicationLevel = 'table' | 'bucket' | 'unknown';

/** A table- or bucket-level replication configuration, as a Put request or a Get output. */
export interface ReplicationDoc extends DocBase {
  kind: 'replication';
  level: ReplicationLevel;
  form: 'put-request' | 'get-output';
  /** `tableArn` (table level) or `tableBucketARN` (bucket level); absent in Get output. */
  sourceKey?: 'tableArn' | 'tableBucketARN';
}

export type PolicyType = 'identity' | 'resource' | 'trust';
export type PolicyOrigin =
  | 'bare'
  | 'get-role'
  | 'get-role-policy'
  | 'get-user-policy'
  | 'get-group-policy'
  | 'get-policy-version'
  | 'account-authorization-details'
  | 'get-table-bucket-policy';

/** Who a policy belongs to, when its wrapper says so. */
export interface PolicyOwner {
  kind: 'role' | 'user' | 'group' | 'managed-policy' | 'table-bucket';
  name?: string;
  arn?: string;
}

/** One IAM policy document (identity, resource or trust). */
export interface PolicyDoc extends DocBase {
  kind: 'policy';
  policyType: PolicyType;
  origin: PolicyOrigin;
  /** The policy's name (inline or managed), when known. */
  name?: string;
  owner?: PolicyOwner;
  /** ARN of the managed policy this document is a version of. */
  policyArn?: string;
  /** The document was a URL-encoded JSON string inside its wrapper: paths below root cannot be located. */
  encoded?: boolean;
}

/** An IAM role (from get-role or account authorization details). */
export interface RoleDoc extends DocBase {
  kind: 'role';
  name?: string;
  arn?: string;
  trust?: PolicyDoc;
  /** Inline policies that came with the role (account authorization details). */
  inline: PolicyDoc[];
  /** ARNs of attached managed policies (account authorization details). */
  attached: string[];
}

/** A table bucket's encryption (`aws s3tables put-table-bucket-encryption --cli-input-json`). */
export interface EncryptionDoc extends DocBase {
  kind: 'encryption';
  tableBucketARN: string;
  /** `AES256` or `aws:kms`. */
  sseAlgorithm?: string;
  kmsKeyArn?: string;
}

/** A user or group of an account-authorization-details input (roles are RoleDocs). */
export interface PrincipalDoc extends DocBase {
  kind: 'principal';
  type: 'user' | 'group';
  name?: string;
  arn?: string;
  /** ARNs of attached managed policies. */
  attached: string[];
  /** A user's groups, by name. */
  groups: string[];
}

/** A whole file, for findings that are about the file itself. */
export interface FileDoc extends DocBase {
  kind: 'file';
}

export type Doc = ReplicationDoc | PolicyDoc | RoleDoc | PrincipalDoc | EncryptionDoc | FileDoc;

/** A problem found while reading or classifying an input; the rule named reports it. */
export interface LoadProblem {
  ruleId: 'parse-error' | 'unknown-document';
  doc: FileDoc;
  message: string;
  /** Character offsets into the file's text; absent = the whole file's start. */
  offset?: number;
  length?: number;
}

/**
 * Policies linked to principals by the config file's `bindings` (or the matching flags), for what
 * cannot be linked by ARN. Bound files are loaded as inputs; a bound file holding no policy adds
 * nothing here (it is reported as an input on its own).
 */
export interface ModelBindings {
  /** Policies of the principal that calls Put…Replication. */
  caller: PolicyDoc[];
  /** Managed policies attached to the caller named with `--caller` whose documents are not among the inputs. */
  callerUnknown?: string[];
  /** Per role (key as written: an ARN or a role name), its identity policies and trust policy. */
  roles: { role: string; policies: PolicyDoc[]; trust?: PolicyDoc }[];
}

/** The config file in use, as a document findings can point into. */
export interface ConfigDoc {
  doc: FileDoc;
  /** Indexes of `suppressions` entries that matched no finding (set after the other rules ran). */
  unusedSuppressions: number[];
}

/** The typed view of every input of a run. */
export interface Model {
  files: SourceFile[];
  replications: ReplicationDoc[];
  policies: PolicyDoc[];
  roles: RoleDoc[];
  /** Users and groups of account authorization details (to bind one as the caller). */
  principals: PrincipalDoc[];
  encryptions: EncryptionDoc[];
  problems: LoadProblem[];
  bindings?: ModelBindings;
  config?: ConfigDoc;
}

export const emptyModel = (): Model => ({
  files: [],
  replications: [],
  policies: [],
  roles: [],
  principals: [],
  encryptions: [],
  problems: [],
});
