/** A path inside one document: member names and array indexes from its root. */
export type Path = readonly (string | number)[];

/** A character range in a file's text. */
export interface TextRange {
  offset: number;
  length: number;
}

/** One input file, decoded. */
export interface SourceFile {
  /** As shown to the user: relative to the working directory, forward slashes; `<stdin>` for `-`. */
  name: string;
  /** Decoded text, BOM removed (offsets and columns are counted on this text). */
  text: string;
  /** Named on the command line (not found by a directory scan). */
  explicit: boolean;
  /**
   * The range of `path` in the text, or of its closest existing ancestor. The parser of the file's
   * format provides it (JSON today), so the engine and the reporters know no file format.
   */
  locate(path: Path): TextRange;
  /**
   * How the file's format writes values the loader put placeholders for (a template writes the
   * account as `${AWS::AccountId}`): applied to the messages and fixes of its findings.
   */
  render?: (text: string) => string;
}

/**
 * A value the inputs cannot tell (a CloudFormation `!GetAtt`, a Terraform value known after
 * apply). Loaders put it where the value would be; shape checks and rules read it as "cannot
 * tell", never as a wrong type.
 */
export class Unknown {
  constructor(
    /** Why it cannot be known, for messages: `!GetAtt Role.Arn`, `known after apply`. */
    readonly reason: string,
    /** Where it came from, when that is another place than where it sits. */
    readonly from?: { file: SourceFile; path: Path },
  ) {}
}

export const isUnknown = (value: unknown): value is Unknown => value instanceof Unknown;

/** The loader's pseudo-rules: problems with reading or classifying an input. */
export const PARSE_ERROR = 'parse-error';
export const UNKNOWN_DOCUMENT = 'unknown-document';
export const INPUT_SHAPE = 'input-shape';

interface DocBase {
  file: SourceFile;
  /** Where the payload sits inside the file (e.g. ['Role', 'AssumeRolePolicyDocument']). */
  root: Path;
  /** The payload. */
  data: unknown;
  /**
   * Where a path inside `data` is in the file, when the loader renamed members to the API's names
   * (a CloudFormation `ReplicationConfiguration`, a Terraform `rule` block). Absent: the same path.
   */
  filePath?: (path: Path) => Path;
  /**
   * What the user knows the document by, when the file is larger than the document: a CDK
   * construct path, a CloudFormation logical id, a Terraform resource address.
   */
  logicalLocation?: string;
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
  | 'get-table-bucket-policy'
  | 'describe-policy'
  | 'cloudformation'
  | 'terraform';

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
  /** `aws organizations describe-policy` output: which kind of organization policy it is. */
  orgType?: 'scp' | 'rcp';
  /** The document was a URL-encoded JSON string inside its wrapper: paths below root cannot be located. */
  encoded?: boolean;
}

/** An IAM role (from get-role or account authorization details). */
export interface RoleDoc extends DocBase {
  kind: 'role';
  name?: string;
  arn?: string;
  /** `PermissionsBoundary.PermissionsBoundaryArn`: the managed policy that bounds the role. */
  boundary?: string;
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
  /** A user's permissions boundary (managed policy ARN). */
  boundary?: string;
}

/**
 * What AWS said, as the audit or the dry run read it (or a saved audit): the input of the rules
 * marked `requiresAws`. `replication-status` is `get-table-replication-status` output; `audit` and
 * `dry-run` are this tool's records of a run (what it read, what failed, the caller's simulation).
 */
export interface AwsDoc extends DocBase {
  kind: 'aws';
  form: 'replication-status' | 'audit' | 'dry-run';
}

/** A whole file, for findings that are about the file itself. */
export interface FileDoc extends DocBase {
  kind: 'file';
}

export type Doc = ReplicationDoc | PolicyDoc | RoleDoc | PrincipalDoc | EncryptionDoc | AwsDoc | FileDoc;

/** A problem found while reading or classifying an input; the rule named reports it. */
export interface LoadProblem {
  ruleId: typeof PARSE_ERROR | typeof UNKNOWN_DOCUMENT | typeof INPUT_SHAPE;
  doc: FileDoc;
  message: string;
  /** Where in the file (input-shape): located like a rule's path; `offset` is then unused. */
  path?: Path;
  /** Replaces the rule's level (an empty export is a warning, not an error). */
  level?: 'error' | 'warning' | 'note';
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
  /** Per role (key as written: an ARN or a role name), its identity policies and trust policy. */
  roles: { role: string; policies: PolicyDoc[]; trust?: PolicyDoc }[];
}

/** What the loader produced: every document of the run, not yet linked. */
export interface Documents {
  files: SourceFile[];
  replications: ReplicationDoc[];
  policies: PolicyDoc[];
  roles: RoleDoc[];
  /** Users and groups of account authorization details (to bind one as the caller). */
  principals: PrincipalDoc[];
  encryptions: EncryptionDoc[];
  /** What the audit or the dry run read from AWS (empty in an offline run on configurations). */
  aws: AwsDoc[];
  problems: LoadProblem[];
}

export const emptyDocuments = (): Documents => ({
  files: [],
  replications: [],
  policies: [],
  roles: [],
  principals: [],
  encryptions: [],
  aws: [],
  problems: [],
});

// --- The linked view (link.ts builds it once; rules only read it) -------------------------------

/** A table bucket ARN, parsed. */
export interface BucketRef {
  arn: string;
  partition: string;
  region: string;
  account: string;
  name: string;
}

/** An IAM role ARN, parsed. */
export interface RoleRef {
  arn: string;
  partition: string;
  account: string;
  /** The role name, without its path. */
  name: string;
}

/** One ARN value of a replication document as written, and where. */
export interface ArnAt {
  value: string;
  path: Path;
  /** The member's name as written in the document, for messages. */
  field: string;
}

/** Every ARN of a replication document as written (strings only; other types are the shape check's). */
export interface ReplicationArns {
  source?: ArnAt & { kind: 'table' | 'table-bucket' };
  role?: ArnAt;
  destinations: (ArnAt & { rule: number; index: number })[];
}

/** The replication role of a setup, with every document that belongs to it. */
export interface SetupRole extends RoleRef {
  /** Path of `configuration.role` in the replication document. */
  path: Path;
  /** get-role / account authorization details entries for the role. */
  docs: RoleDoc[];
  /** Its trust policies: from get-role / authorization details, or bound. */
  trust: PolicyDoc[];
  /** Its permission policies: inline, attached managed, bound. */
  policies: PolicyDoc[];
  /** Attached managed policies whose documents are not among the inputs. */
  unknownAttached: string[];
  /** ARNs of role documents with the same account and name but another path: not linked, said. */
  otherPaths: string[];
  /** Its permissions boundary, when get-role, authorization details or a binding gives one. */
  boundary?: Boundary;
}

/** A permissions boundary: the managed policy's ARN (when known) and its document (when among the inputs). */
export interface Boundary {
  arn?: string;
  /** The boundary's document; empty when it is not among the inputs (then it cannot be judged). */
  policies: PolicyDoc[];
  /** Where the boundary is named (get-role output, authorization details, or the bound file). */
  from: Doc;
}

export interface SetupDestination {
  bucket: BucketRef;
  /** Path of `destinationTableBucketARN` inside the replication document. */
  path: Path;
  /** Table bucket policies whose Resource names the bucket or its tables. */
  policies: PolicyDoc[];
  /** The bucket's SSE-KMS encryption, when an input gives it. */
  encryption?: EncryptionDoc;
}

/** One replication configuration and everything linked to it. */
export interface Setup {
  doc: ReplicationDoc;
  /** Every ARN as written (the ARN rules' view, duplicates included). */
  arns: ReplicationArns;
  /** Known for Put requests; Get...Replication output names no source. */
  source?: {
    level: 'table' | 'bucket';
    /** The table ARN (table level) or the bucket ARN (bucket level). */
    arn: string;
    bucket: BucketRef;
    path: Path;
    /** The source bucket's SSE-KMS encryption, when an input gives it. */
    encryption?: EncryptionDoc;
  };
  role?: SetupRole;
  /** Destinations whose ARN parses, each bucket once; the ARN rules report the others. */
  destinations: SetupDestination[];
}

/** The principal that calls Put...Replication, when the run says who it is. */
export interface Caller {
  policies: PolicyDoc[];
  /** Attached managed policies (of a `--caller` principal) whose documents are not among the inputs. */
  unknownAttached: string[];
  /** Who it is, when `--caller` names a user or role of authorization details. */
  principal?: { kind: 'user' | 'group' | 'role'; arn?: string; name?: string };
  boundary?: Boundary;
}

/** Values the user states for request-context keys; `null` states the key is absent. */
export type StatedValues = Readonly<Record<string, string | readonly string[] | null>>;

/** The config's `context`: keys for every call, for the caller's calls, for the role's calls. */
export interface StatedContext {
  all?: StatedValues;
  caller?: StatedValues;
  role?: StatedValues;
}

/** SCPs or RCPs attached at one level (root, an OU or an account) above the accounts listed. */
export interface OrgLevel {
  kind: 'scp' | 'rcp';
  /** The accounts below this level. */
  accounts: string[];
  /** The policies attached at this level: one of them must allow (IAM's evaluation logic). */
  policies: PolicyDoc[];
  /** Where the level is declared, for messages: `organization.scps[0]`. */
  name: string;
}

/** The linked view of every input of a run: the documents and the setups they form. */
export interface Model extends Documents {
  setups: Setup[];
  /** Undefined when the run does not say who calls Put...Replication. */
  caller?: Caller;
  /** What the bindings bound (for reading back; rules use setups and caller). */
  bindings?: ModelBindings;
  /** What the user states about request contexts (the config's `context`). */
  context?: StatedContext;
  /** SCP and RCP levels the user gives (the config's `organization`). */
  organization?: OrgLevel[];
}
