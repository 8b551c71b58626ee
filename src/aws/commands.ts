// `s3tables-lint audit` and `s3tables-lint dry-run`: the commands that call AWS. The CLI imports this
// module only for them; the SDK itself is imported inside createSdkPort.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import { say, writeReport } from '../output.js';
import { lint, lintModel, lintTexts, TOOL, type LintResult } from '../lint.js';
import { link } from '../link.js';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE } from '../load/files.js';
import { load, loadTexts } from '../load/index.js';
import type { Documents, Model } from '../model.js';
import { selectRules } from '../plan.js';
import registry from '../../rules/index.js';
import { github } from '../reporters/github.js';
import { json } from '../reporters/json.js';
import { sarif } from '../reporters/sarif.js';
import { text, useColor } from '../reporters/text.js';
import { atLeast, type Level } from '../rule.js';
import { runAudit, type AuditFile } from './audit.js';
import { runDryRun } from './dryrun.js';
import { orgAuditCommand, orgSettings } from './org.js';
import { AwsError, type PortOptions } from './port.js';
import type { SdkPort } from './sdk.js';

export const AWS_HELP = `Usage: s3tables-lint audit [--region R]... | [--regions all] [--save DIR] [options]
       s3tables-lint audit --org | --accounts FILE --region R... [--shard I/N] [options]
       s3tables-lint dry-run [options] <paths...>

audit reads the account's table buckets, their replication configurations, tables, replication
status, the roles the configurations name and the destinations' policies and encryption, and lints
all of it. dry-run checks the replication configurations in <paths> against the account, read-only.

AWS options:
      --region <region>             Region to read (audit: repeatable; default: the SDK's, e.g.
                                    AWS_REGION or the profile's)
      --regions all                 audit: every Region enabled for the account
                                    (account:ListRegions)
      --profile <name>              shared config profile (default: the SDK's credential chain)
      --endpoint-url <url>          send every call to this endpoint (also AWS_ENDPOINT_URL)
      --concurrency <n>             AWS calls in flight at once (default: 32)
      --save <dir>                  audit: write what was read under <dir>/<account>/<region>/...
                                    (a new or empty directory) and lint those files

Organization audit (audit --org or audit --accounts FILE, with --region):
      --org                         audit every ACTIVE account of the organization
                                    (organizations:ListAccounts, from the management account or
                                    a delegated administrator)
      --accounts <file>             audit the accounts listed in <file>, one id a line
      --role-name <name>            role assumed in each account
                                    (default: OrganizationAccountAccessRole)
      --external-id <id>            sts:ExternalId for that role
      --initial-role-arn <arn>      assume this role first, and each account's role from it
      --account-concurrency <n>     accounts audited at once (default: 8; --concurrency applies
                                    within each)
      --shard <i>/<n>               audit only shard i of n (accounts split by a hash of their
                                    id); s3tables-lint merge joins the shards' reports
Output options as for the main command: -f/--format, -o/--output, --fail-on, --rule, --skip,
--no-color.
`;

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export const DEFAULT_CONCURRENCY = 32;

type Values = ReturnType<typeof parse>['values'];

/** Runs `audit` or `dry-run`; returns the exit code. */
export async function awsCommand(command: 'audit' | 'dry-run', argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    process.stdout.write(AWS_HELP);
    return 0;
  }
  const format = oneOf(values.format ?? 'text', FORMATS, '--format');
  const failOn = oneOf(values['fail-on'] ?? 'error', ['error', 'warning', 'note'] as const, '--fail-on');
  const concurrency = Number(values.concurrency ?? DEFAULT_CONCURRENCY);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)
    throw new UsageError(`--concurrency must be a whole number from 1 to 256; got "${values.concurrency}"`);
  const regions = [...new Set(values.region ?? [])];
  for (const r of regions)
    if (!/^[a-z]{2}(-[a-z0-9]+)+-\d+$/.test(r)) throw new UsageError(`--region: not a Region name: "${r}"`);
  const allRegions = values.regions !== undefined;
  if (allRegions && values.regions !== 'all')
    throw new UsageError(`--regions takes "all" (every enabled Region); got "${values.regions}"`);
  if (allRegions && regions.length > 0)
    throw new UsageError('--regions all and --region cannot be used together');
  if (allRegions && command !== 'audit') throw new UsageError('--regions all goes with the audit command');
  const endpoint = values['endpoint-url'];
  if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint))
    throw new UsageError(`--endpoint-url must be an http(s) URL; got "${endpoint}"`);

  const org = orgSettings(
    {
      org: values.org === true,
      ...(values.accounts !== undefined ? { accounts: values.accounts } : {}),
      ...(values['role-name'] !== undefined ? { roleName: values['role-name'] } : {}),
      ...(values['external-id'] !== undefined ? { externalId: values['external-id'] } : {}),
      ...(values['initial-role-arn'] !== undefined ? { initialRoleArn: values['initial-role-arn'] } : {}),
      ...(values['account-concurrency'] !== undefined
        ? { accountConcurrency: values['account-concurrency'] }
        : {}),
      ...(values.shard !== undefined ? { shard: values.shard } : {}),
    },
    command,
  );
  if (org) {
    // Which Regions are enabled differs per account; an organization audit names them.
    if (allRegions)
      throw new UsageError(
        '--regions all is for one account; an organization audit takes --region (repeatable)',
      );
    if (positionals.length > 0) throw new UsageError('audit takes no paths (see s3tables-lint audit --help)');
    const save = values.save === undefined ? undefined : resolve(values.save);
    if (save !== undefined && existsSync(save) && readdirSync(save).length > 0)
      throw new UsageError(
        `--save ${values.save}: the directory is not empty; an audit writes into a new or empty one`,
      );
    const port: PortOptions = {};
    if (values.profile !== undefined) port.profile = values.profile;
    if (endpoint !== undefined) port.endpoint = endpoint;
    return orgAuditCommand({
      settings: org,
      ...(values.accounts !== undefined ? { accountsFile: values.accounts } : {}),
      regions,
      concurrency,
      port,
      format,
      failOn,
      rule: values.rule ?? [],
      skip: values.skip ?? [],
      ...(save !== undefined && values.save !== undefined ? { save: { dir: save, shown: values.save } } : {}),
      ...(values.output !== undefined ? { output: values.output } : {}),
      color: useColor({
        noColor: values['no-color'] === true,
        env: process.env,
        isTTY: process.stdout.isTTY === true,
        toFile: values.output !== undefined,
      }),
      helpers: { write, virtual, fatal },
    });
  }

  let result: LintResult;
  if (command === 'audit') {
    if (positionals.length > 0) throw new UsageError('audit takes no paths (see s3tables-lint audit --help)');
    const save = values.save === undefined ? undefined : resolve(values.save);
    if (save !== undefined && existsSync(save) && readdirSync(save).length > 0)
      throw new UsageError(
        `--save ${values.save}: the directory is not empty; an audit writes into a new or empty one`,
      );
    // --regions all needs no Region of its own: the Account API's home (us-east-1) serves when none is set.
    let port = await connect(values, regions[0]);
    if (allRegions && !(await port.defaultRegion())) {
      port.close();
      port = await connect(values, 'us-east-1');
    }
    try {
      const region =
        regions.length > 0 ? regions : allRegions ? await enabledRegions(port) : [await needRegion(port)];
      const progress = progressLine(process.stderr.isTTY === true);
      const audit = await runAudit(port, {
        regions: region,
        concurrency,
        tool: `${TOOL.name} ${TOOL.version}`,
        progress: progress.update,
      }).catch(fatal);
      progress.end();
      result = save
        ? await lint(write(save, audit.files), { rule: values.rule ?? [], skip: values.skip ?? [] })
        : await lintTexts(virtual(audit.files), { rule: values.rule ?? [], skip: values.skip ?? [] });
      if (save) result.notes.push(`saved ${audit.files.length} documents under ${values.save}`);
    } finally {
      port.close();
    }
  } else {
    if (values.save !== undefined) throw new UsageError('--save goes with audit');
    if (positionals.length === 0)
      throw new UsageError(
        'dry-run takes the replication configurations to check (see s3tables-lint dry-run --help)',
      );
    const cwd = process.cwd();
    const { documents, notes } = load(positionals, {
      cwd,
      include: DEFAULT_INCLUDE,
      exclude: DEFAULT_EXCLUDE,
    });
    const model = link(documents, {}, cwd);
    if (model.replications.length === 0)
      throw new UsageError(`no replication configuration in ${positionals.join(' ')} to check against AWS`);
    const rules = selectRules(registry, { rule: values.rule ?? [], skip: values.skip ?? [] });
    let port = await connect(values, regions[0]);
    if (regions.length === 0 && !(await port.defaultRegion())) {
      // S3 Tables calls use the Region of each ARN; STS and IAM need one to sign with.
      port.close();
      port = await connect(values, regionOfInputs(model) ?? 'us-east-1');
    }
    try {
      const progress = progressLine(process.stderr.isTTY === true);
      const dry = await runDryRun(port, model, {
        concurrency,
        tool: `${TOOL.name} ${TOOL.version}`,
        progress: progress.update,
      }).catch(fatal);
      progress.end();
      result = await lintModel(link(withFetched(documents, dry.files, dry.roles), {}, cwd), rules, { cwd });
      result.notes.push(...notes, ...dry.notes);
    } finally {
      port.close();
    }
  }
  for (const note of result.notes) say(note);
  const color = useColor({
    noColor: values['no-color'] === true,
    env: process.env,
    isTTY: process.stdout.isTTY === true,
    toFile: values.output !== undefined,
  });
  const out =
    format === 'json'
      ? json(result)
      : format === 'sarif'
        ? sarif(result)
        : format === 'github'
          ? github(result)
          : text(result, { color });
  // Never over an input or through a link (src/output.ts); the saved audit counts as input.
  if (values.output)
    writeReport(values.output, out, [
      ...positionals.map((p) => resolve(p)),
      ...(values.save !== undefined ? [resolve(values.save)] : []),
    ]);
  else process.stdout.write(out);
  if (result.crashed) return 2;
  return result.findings.some((f) => atLeast(f.level, failOn as Level)) ? 1 : 0;
}

async function enabledRegions(port: SdkPort): Promise<string[]> {
  const regions = await port.listEnabledRegions().catch(fatal);
  if (regions.length === 0) throw new UsageError('--regions all: the account lists no enabled Region');
  return regions;
}

async function connect(values: Values, region: string | undefined): Promise<SdkPort> {
  const { createSdkPort } = await import('./sdk.js');
  const options: PortOptions = {};
  if (region) options.region = region;
  if (values.profile !== undefined) options.profile = values.profile;
  if (values['endpoint-url'] !== undefined) options.endpoint = values['endpoint-url'];
  return createSdkPort(options);
}

async function needRegion(port: SdkPort): Promise<string> {
  const region = await port.defaultRegion();
  if (!region) throw new UsageError('no Region: give --region, or set AWS_REGION or a region in the profile');
  return region;
}

/** An AWS failure that stops the whole run (no identity, no credentials): one line, exit 2. */
function fatal(cause: unknown): never {
  if (cause instanceof AwsError)
    throw new UsageError(`cannot read AWS: ${cause.operation} failed: ${cause.code}: ${cause.message}`);
  const message = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
  throw new UsageError(`cannot read AWS: ${message}`);
}

/** Writes the audit's documents under dir; returns their paths. Never overwrites a file. */
function write(dir: string, files: readonly AuditFile[]): string[] {
  return files.map((f) => {
    const path = join(dir, ...f.path.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(f.value, null, 2)}\n`, { flag: 'wx' });
    return path;
  });
}

/** Without --save: stable logical names. */
const virtual = (files: readonly AuditFile[]) =>
  files.map((f) => ({ name: `aws://${f.path}`, text: `${JSON.stringify(f.value, null, 2)}\n` }));

/** "N/M AWS calls" on stderr, on a terminal only. */
function progressLine(tty: boolean): { update?: (done: number, started: number) => void; end: () => void } {
  if (!tty) return { end: () => {} };
  let last = 0;
  return {
    update: (done, started) => {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      process.stderr.write(`\rs3tables-lint: ${done}/${started} AWS calls`);
    },
    end: () => process.stderr.write('\r\u001b[K'),
  };
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        region: { type: 'string', multiple: true },
        regions: { type: 'string' },
        profile: { type: 'string' },
        'endpoint-url': { type: 'string' },
        concurrency: { type: 'string' },
        save: { type: 'string' },
        org: { type: 'boolean' },
        accounts: { type: 'string' },
        'role-name': { type: 'string' },
        'external-id': { type: 'string' },
        'initial-role-arn': { type: 'string' },
        'account-concurrency': { type: 'string' },
        shard: { type: 'string' },
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        'fail-on': { type: 'string' },
        rule: { type: 'string', multiple: true },
        skip: { type: 'string', multiple: true },
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (cause) {
    const message = cause instanceof Error ? cause.message.split('. ')[0] : String(cause);
    throw new UsageError(`${message} (see --help)`);
  }
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}; got "${value}"`);
}

/**
 * The inputs plus what the dry run read. A role read from AWS replaces the inputs' documents of
 * that role: the account's real trust and permissions policies are what replication will use.
 */
function withFetched(inputs: Documents, files: readonly AuditFile[], roles: readonly string[]): Documents {
  const fetched = loadTexts(virtual(files));
  const replaced = new Set(roles);
  const isReplaced = (name: string | undefined, arn: string | undefined): boolean =>
    (name !== undefined && replaced.has(name)) ||
    (arn !== undefined && replaced.has(arn.split('/').pop() ?? ''));
  return {
    files: [...inputs.files, ...fetched.files],
    replications: [...inputs.replications, ...fetched.replications],
    policies: [
      ...inputs.policies.filter((p) => !(p.owner?.kind === 'role' && isReplaced(p.owner.name, p.owner.arn))),
      ...fetched.policies,
    ],
    roles: [...inputs.roles.filter((r) => !isReplaced(r.name, r.arn)), ...fetched.roles],
    principals: [...inputs.principals, ...fetched.principals],
    encryptions: [...inputs.encryptions, ...fetched.encryptions],
    aws: [...inputs.aws, ...fetched.aws],
    problems: [...inputs.problems, ...fetched.problems],
  };
}

/** A Region to sign STS and IAM calls with when none is configured: the first source's. */
function regionOfInputs(model: Model): string | undefined {
  return model.setups.find((s) => s.source)?.source?.bucket.region;
}
