/**
 * ARNs of S3 Tables replication: parsing, the API model's patterns (what a PUT accepts) and the
 * stricter rules real resources follow, with one precise message per problem.
 */
import type { BucketRef, Path, RoleRef } from '../model.js';

/** `arn:partition:service:region:account:resource`; the resource keeps any further colons. */
export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** Splits an ARN at its first five colons; undefined when it is not `arn:` + five fields. Never throws. */
export function parseArn(value: string): Arn | undefined {
  if (!value.startsWith('arn:')) return undefined;
  const fields: string[] = [];
  let from = 4;
  for (let i = 0; i < 4; i++) {
    const at = value.indexOf(':', from);
    if (at === -1) return undefined;
    fields.push(value.slice(from, at));
    from = at + 1;
  }
  const [partition = '', service = '', region = '', account = ''] = fields;
  return { partition, service, region, account, resource: value.slice(from) };
}

export const formatArn = (arn: Arn): string =>
  `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.account}:${arn.resource}`;

/**
 * Partitions and their region names, from the partition table bundled in `@aws-sdk/core`
 * (`dist-cjs/submodules/client/index.js`, installed with `@aws-sdk/client-s3tables@3.1127.0`).
 */
export const PARTITIONS: Readonly<Record<string, RegExp>> = {
  aws: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/,
  'aws-cn': /^cn-\w+-\d+$/,
  'aws-us-gov': /^us-gov-\w+-\d+$/,
  'aws-iso': /^us-iso-\w+-\d+$/,
  'aws-iso-b': /^us-isob-\w+-\d+$/,
  'aws-iso-e': /^eu-isoe-\w+-\d+$/,
  'aws-iso-f': /^us-isof-\w+-\d+$/,
  'aws-eusc': /^eusc-(de)-\w+-\d+$/,
};

const isPartition = (p: string): boolean => Object.prototype.hasOwnProperty.call(PARTITIONS, p);

/** The partition whose region names match `region`; `aws` is tried last (its regex is the broadest). */
export function partitionOfRegion(region: string): string | undefined {
  const names = Object.keys(PARTITIONS).filter((p) => p !== 'aws');
  return [...names, 'aws'].find((p) => PARTITIONS[p]?.test(region));
}

/**
 * The S3 Tables API model's patterns (botocore `s3tables/2018-05-10/service-2.json`), anchored as the
 * Smithy model is. A value these reject fails the PUT with BadRequestException.
 */
export const MODEL = {
  tableBucketArn: /^(arn:aws[-a-z0-9]*:[a-z0-9]+:[-a-z0-9]*:[0-9]{12}:bucket\/[a-z0-9_-]{3,63})$/,
  /** Also 1-2048 characters. */
  tableArn:
    /^(arn:aws[-a-z0-9]*:[a-z0-9]+:[-a-z0-9]*:[0-9]{12}:bucket\/[a-z0-9_-]{3,63}\/table\/[a-zA-Z0-9-_]{1,255})$/,
  /** Also 20-2048 characters. Anchoring is confirmed for the two above only, so `role` is searched, not anchored. */
  role: /arn:.+:iam::[0-9]{12}:role\/.+/,
  roleAnchored: /^arn:.+:iam::[0-9]{12}:role\/.+$/,
} as const;

/** Does the API model accept the value for this field? */
export function modelAccepts(kind: ArnKind, value: string): boolean {
  if (kind === 'table-bucket') return MODEL.tableBucketArn.test(value);
  if (kind === 'table') return value.length <= 2048 && MODEL.tableArn.test(value);
  return value.length >= 20 && value.length <= 2048 && MODEL.role.test(value);
}

export type ArnKind = 'table-bucket' | 'table' | 'role';

export interface ArnProblem {
  /** `error`: the API model rejects the value; `warning`: accepted, but no real resource has it. */
  level: 'error' | 'warning';
  /** What is wrong and what to change; it starts lower-case so a caller can prefix the field. */
  message: string;
  /** The corrected value, when it can be derived. */
  fix?: string;
  /** A length limit of the whole value: replication-shape reports those, so the ARN rules do not. */
  length?: true;
}

/** Table bucket name rules: https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-tables-buckets-naming.html */
export const RESERVED_BUCKET_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-', 'aws'] as const;
export const RESERVED_BUCKET_SUFFIXES = ['-s3alias', '--ol-s3', '--x-s3', '--table-s3'] as const;

const SHAPES: Record<ArnKind, string> = {
  'table-bucket': 'arn:<partition>:s3tables:<region>:<account-id>:bucket/<bucket-name>',
  table: 'arn:<partition>:s3tables:<region>:<account-id>:bucket/<bucket-name>/table/<table-id>',
  role: 'arn:<partition>:iam::<account-id>:role/<role-name>',
};

const q = (s: string): string => JSON.stringify(s);

/** Every problem with a table bucket ARN, table ARN or IAM role ARN; [] when it is fine. */
export function explainArn(kind: ArnKind, value: string): ArnProblem[] {
  return kind === 'role' ? explainRole(value) : explainS3Tables(kind, value);
}

function explainS3Tables(kind: 'table-bucket' | 'table', value: string): ArnProblem[] {
  const out: ArnProblem[] = [];
  const err = (message: string, fix?: string): void => void out.push(problem('error', message, fix));
  const warn = (message: string, fix?: string): void => void out.push(problem('warning', message, fix));

  const trimmed = value.trim();
  if (trimmed !== value) {
    err(`has white space around it; use ${q(trimmed)}`, trimmed);
    return [...out, ...explainS3Tables(kind, trimmed)];
  }
  if (value === '') return [problem('error', `is empty; expected ${SHAPES[kind]}`)];
  if (kind === 'table' && value.length > 2048) {
    out.push({
      level: 'error',
      message: `is ${value.length} characters long; the limit is 2048`,
      length: true,
    });
  }

  const parts = value.split(':');
  if (parts.length < 6) {
    err(`is not an ARN: expected ${SHAPES[kind]}`);
    return out;
  }
  if (parts.length > 6) {
    err(`has ${parts.length - 1} colons; an S3 Tables ARN has 5 (${SHAPES[kind]})`);
    return out;
  }
  const [prefix = '', partition = '', service = '', region = '', account = '', resource = ''] = parts;
  const fixed = (changes: Partial<Arn>): string =>
    formatArn({ partition, service, region, account, resource, ...changes });

  if (prefix !== 'arn') {
    if (prefix.toLowerCase() === 'arn') err(`must start with "arn:" in lower case`, `arn${value.slice(3)}`);
    else err(`must start with "arn:"; expected ${SHAPES[kind]}`);
  }
  checkPartition(partition, (p) => fixed({ partition: p }), err, warn);

  if (!/^[a-z0-9]+$/.test(service)) {
    err(
      service === ''
        ? `has no service; it must be "s3tables"`
        : `has the service ${q(service)}; it must be "s3tables"`,
      fixed({ service: 's3tables' }),
    );
  } else if (service !== 's3tables') {
    warn(`has the service ${q(service)}; S3 Tables ARNs use "s3tables"`, fixed({ service: 's3tables' }));
  }

  if (!/^[-a-z0-9]*$/.test(region)) {
    const lower = region.toLowerCase();
    err(
      `has the region ${q(region)}, which is not a region name (lower-case letters, digits and "-")`,
      /^[-a-z0-9]+$/.test(lower) ? fixed({ region: lower }) : undefined,
    );
  } else if (region === '') {
    warn(`has no region; a table bucket always has one, e.g. us-east-1`);
  } else {
    checkRegion(partition, region, warn);
  }

  checkAccount(account, err);

  if (!resource.startsWith('bucket/')) {
    err(
      `has the resource ${q(resource)}; it must start with "bucket/" (${SHAPES[kind]})`,
      /^[a-z0-9-]+$/.test(resource) && kind === 'table-bucket'
        ? fixed({ resource: `bucket/${resource}` })
        : undefined,
    );
    return out;
  }
  const rest = resource.slice('bucket/'.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const tail = slash === -1 ? undefined : rest.slice(slash + 1);
  checkBucketName(bucket, (b) => fixed({ resource: `bucket/${b}${rest.slice(bucket.length)}` }), err, warn);

  if (kind === 'table-bucket') {
    if (tail !== undefined) {
      if (tail.startsWith('table/')) {
        const bucketArn = fixed({ resource: `bucket/${bucket}` });
        err(`is a table ARN, not a table bucket ARN; use the bucket's ARN ${q(bucketArn)}`, bucketArn);
      } else {
        err(`has ${q(`/${tail}`)} after the bucket name; a table bucket ARN ends with bucket/<bucket-name>`);
      }
    }
    return out;
  }

  if (tail === undefined) {
    err(`names a table bucket, not a table; append /table/<table-id> (${SHAPES.table})`);
  } else if (!tail.startsWith('table/')) {
    err(`has ${q(`/${tail}`)} after the bucket name; a table ARN ends with /table/<table-id>`);
  } else {
    const table = tail.slice('table/'.length);
    if (table === '') err(`has an empty table id after /table/`);
    else if (table.length > 255) err(`has a table id of ${table.length} characters; the limit is 255`);
    if (table.includes('/')) {
      err(
        `has ${q(table)} after /table/; a table ARN ends with one table id (the namespace is not part of it)`,
      );
    } else {
      const bad = invalidChars(table, /[a-zA-Z0-9_-]/);
      if (bad) err(`has a table id with ${bad}; use letters, digits, "-" and "_"`);
    }
  }
  return out;
}

function explainRole(value: string): ArnProblem[] {
  const out: ArnProblem[] = [];
  const err = (message: string, fix?: string): void => void out.push(problem('error', message, fix));
  const warn = (message: string, fix?: string): void => void out.push(problem('warning', message, fix));

  if (value.length < 20 || value.length > 2048) {
    const message = `is ${value.length} characters long; a role ARN has 20 to 2048`;
    out.push({ level: 'error', message, length: true });
  }
  const found = MODEL.role.exec(value)?.[0];
  if (found !== undefined && found !== value) {
    // The model would find a role ARN inside the value; whether the service anchors it is unconfirmed.
    const trimmed = found.trim();
    warn(`has text around the role ARN; use ${q(trimmed)}`, trimmed);
    return [...out, ...explainRole(trimmed)];
  }

  const arn = parseArn(value);
  if (!arn) {
    if (value.slice(0, 4).toLowerCase() === 'arn:' && parseArn(`arn:${value.slice(4)}`)) {
      err(`must start with "arn:" in lower case`, `arn:${value.slice(4)}`);
    } else {
      err(`is not an ARN: expected ${SHAPES.role}`);
    }
    return soften(value, out);
  }
  const { partition, service, region, account, resource } = arn;
  const fixed = (changes: Partial<Arn>): string => formatArn({ ...arn, ...changes });

  if (partition === '') err(`has no partition; it must be e.g. "aws"`, fixed({ partition: 'aws' }));
  else if (/[\n\r\u2028\u2029]/.test(partition)) err(`has a line break in the partition`);
  else checkPartition(partition, (p) => fixed({ partition: p }), warn, warn);

  if (service === 'sts' && resource.startsWith('assumed-role/')) {
    const name = resource.split('/')[1] ?? '';
    const roleArn = fixed({ service: 'iam', region: '', resource: `role/${name}` });
    err(
      `is an assumed-role session ARN; use the role's ARN ${q(roleArn)} (with its path, if it has one)`,
      roleArn,
    );
    return soften(value, out);
  }
  if (service !== 'iam')
    err(`has the service ${q(service)}; a role ARN's service is "iam"`, fixed({ service: 'iam' }));
  if (region !== '') err(`has the region ${q(region)}; IAM ARNs have none (iam::)`, fixed({ region: '' }));
  checkAccount(account, err);

  if (!resource.startsWith('role/')) {
    const kind = /^([a-z-]+)\//.exec(resource)?.[1];
    err(
      kind
        ? `names a ${kind}, not a role; configuration.role must be an IAM role ARN (${SHAPES.role})`
        : `has the resource ${q(resource)}; it must be role/<role-name>`,
    );
    return soften(value, out);
  }
  const pathAndName = resource.slice('role/'.length);
  const cut = pathAndName.lastIndexOf('/');
  const name = pathAndName.slice(cut + 1);
  const path = cut === -1 ? '' : pathAndName.slice(0, cut + 1);
  if (name === '') {
    err(`has no role name after ${q(`role/${path}`)}`);
    return soften(value, out);
  }
  if (/[\n\r\u2028\u2029]/.test(pathAndName)) err(`has a line break in the role name`);
  if (name.length > 64) warn(`has a role name of ${name.length} characters; IAM allows at most 64`);
  const badName = invalidChars(name, /[\w+=,.@-]/);
  if (badName) warn(`has a role name with ${badName}; IAM role names use letters, digits and +=,.@_-`);
  if (path !== '') {
    if (path.length + 1 > 512) warn(`has a path of ${path.length + 1} characters; IAM allows at most 512`);
    const badPath = invalidChars(path, /[\x21-\x7e]/);
    if (badPath) warn(`has a path with ${badPath}; IAM paths use printable ASCII without spaces`);
    if (path.startsWith('/') || path.includes('//'))
      warn(`has an empty path segment in ${q(`role/${path}`)}; write role/<path>/<name> with single slashes`);
  }
  return soften(value, out);
}

/** The role pattern is loose (`.+` may span colons): if the model accepts the value, nothing is an error. */
function soften(value: string, problems: ArnProblem[]): ArnProblem[] {
  if (!modelAccepts('role', value)) return problems;
  return problems.map((p) => (p.level === 'error' ? { ...p, level: 'warning' } : p));
}

function checkPartition(
  partition: string,
  fixed: (p: string) => string,
  err: (m: string, fix?: string) => void,
  warn: (m: string, fix?: string) => void,
): void {
  const known = Object.keys(PARTITIONS).join(', ');
  const lower = partition.toLowerCase();
  if (isPartition(partition)) return;
  if (!/^aws[-a-z0-9]*$/.test(partition)) {
    err(
      partition === ''
        ? `has no partition; it must be one of ${known}`
        : `has the partition ${q(partition)}; it must be one of ${known}`,
      isPartition(lower) ? fixed(lower) : undefined,
    );
  } else {
    warn(`has the partition ${q(partition)}, which is not an AWS partition; use one of ${known}`);
  }
}

function checkRegion(partition: string, region: string, warn: (m: string) => void): void {
  // The partition comes from input: only own entries (`__proto__` is not a partition).
  const regex = isPartition(partition) ? PARTITIONS[partition] : undefined;
  if (regex?.test(region)) return;
  const owner = partitionOfRegion(region);
  if (!owner) {
    warn(`has the region ${q(region)}, which is not an AWS region name (e.g. us-east-1)`);
  } else if (regex) {
    warn(`has the region ${q(region)}, which is in the partition ${q(owner)}, not ${q(partition)}`);
  }
}

function checkAccount(account: string, err: (m: string) => void): void {
  if (/^[0-9]{12}$/.test(account)) return;
  const digits = account.replace(/[\s-]/g, '');
  err(
    account === ''
      ? `has no account id; it must be 12 digits`
      : /^[0-9]{12}$/.test(digits)
        ? `has the account id ${q(account)}; write it as 12 digits without separators (${digits})`
        : `has the account id ${q(account)}; it must be 12 digits`,
  );
}

function checkBucketName(
  name: string,
  fixed: (name: string) => string,
  err: (m: string, fix?: string) => void,
  warn: (m: string) => void,
): void {
  if (name.length < 3 || name.length > 63) {
    err(`has the bucket name ${q(name)} (${name.length} characters); table bucket names have 3 to 63`);
  }
  const bad = invalidChars(name, /[a-z0-9_-]/);
  if (bad) {
    // Upper case is the one mistake with an obvious correction: bucket names are lower case.
    const lower = name.toLowerCase();
    const fix = /^[a-z0-9-]{3,63}$/.test(lower) && lower !== name ? fixed(lower) : undefined;
    err(
      `has a bucket name with ${bad}; table bucket names use lower-case letters, digits and "-"${fix ? ` (use ${q(lower)})` : ''}`,
      fix,
    );
  }
  if (name.includes('_')) warn(`has a bucket name with "_"; table bucket names cannot contain underscores`);
  if (/^-|-$/.test(name))
    warn(`has the bucket name ${q(name)}; it must begin and end with a letter or digit`);
  const prefix = RESERVED_BUCKET_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) warn(`has the bucket name ${q(name)}, which starts with the reserved prefix ${q(prefix)}`);
  const suffix = RESERVED_BUCKET_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) warn(`has the bucket name ${q(name)}, which ends with the reserved suffix ${q(suffix)}`);
}

/** `"A", "." (2 characters)`-style list of characters outside `allowed`, or undefined. */
function invalidChars(value: string, allowed: RegExp): string | undefined {
  const bad = [...new Set([...value].filter((c) => !allowed.test(c)))];
  if (bad.length === 0) return undefined;
  return bad.length === 1 ? `the character ${q(bad[0] ?? '')}` : `the characters ${bad.map(q).join(' ')}`;
}

function problem(level: ArnProblem['level'], message: string, fix?: string): ArnProblem {
  return fix === undefined ? { level, message } : { level, message, fix };
}

/** The table bucket ARN of a table bucket ARN or a table ARN (`…:bucket/<name>[/table/…]`). */
export function bucketArnOf(value: string): string | undefined {
  const arn = parseArn(value);
  if (!arn) return undefined;
  const m = /^bucket\/([^/]+)(?:\/table\/.*)?$/.exec(arn.resource);
  return m ? formatArn({ ...arn, resource: `bucket/${m[1]}` }) : undefined;
}

/** A table bucket ARN, leniently (a value this does not parse is left to the ARN rules). */
export function parseBucketArn(value: string): BucketRef | undefined {
  const arn = parseArn(value);
  if (!arn || !s3tablesHead(arn) || !/^bucket\/[^/]+$/.test(arn.resource)) return undefined;
  return {
    arn: value,
    partition: arn.partition,
    region: arn.region,
    account: arn.account,
    name: arn.resource.slice(7),
  };
}

/** A table ARN's bucket, leniently. */
export function parseTableArn(value: string): BucketRef | undefined {
  const arn = parseArn(value);
  const m = arn && s3tablesHead(arn) ? /^bucket\/([^/]+)\/table\/[^/]+$/.exec(arn.resource) : null;
  if (!arn || !m) return undefined;
  const name = m[1] ?? '';
  return {
    arn: formatArn({ ...arn, resource: `bucket/${name}` }),
    partition: arn.partition,
    region: arn.region,
    account: arn.account,
    name,
  };
}

/** An IAM role ARN, leniently; the name is the last segment of the role's path. */
export function parseRoleArn(value: string): RoleRef | undefined {
  const arn = parseArn(value);
  if (!arn || arn.partition === '' || arn.service !== 'iam' || arn.region !== '') return undefined;
  if (!/^\d{12}$/.test(arn.account) || !arn.resource.startsWith('role/')) return undefined;
  const name = arn.resource.slice(arn.resource.lastIndexOf('/') + 1);
  return name === '' ? undefined : { arn: value, partition: arn.partition, account: arn.account, name };
}

const s3tablesHead = (arn: Arn): boolean =>
  arn.partition !== '' && arn.service === 's3tables' && arn.region !== '' && /^\d{12}$/.test(arn.account);

/** `configuration.rules[0].destinations[1]`: a path as users read it. */
export const pathText = (path: Path): string =>
  path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');

/** A value for a message: quoted, and shortened when absurdly long. */
export const show = (value: string): string =>
  JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
