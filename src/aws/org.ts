// `s3tables-lint audit --org` / `--accounts FILE`: the audit of every account of an organization
// (or of a list), each through a role assumed there, a bounded number of accounts at a time. Each
// account is audited and linted on its own, so its findings depend on that account alone: a shard
// (`--shard I/N`, accounts split by a hash of their id) gives exactly its accounts' part of the
// unsharded report, and `merge` puts the parts back together.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { say, writeReport } from '../output.js';
import { UsageError } from '../errors.js';
import { lint, lintTexts, TOOL, type LintResult } from '../lint.js';
import { asShard, forAccount, mergeReports, parseReport, renderReport, type Report } from '../merge.js';
import { json } from '../reporters/json.js';
import { sarif } from '../reporters/sarif.js';
import { github } from '../reporters/github.js';
import { text } from '../reporters/text.js';
import { atLeast, type Level } from '../rule.js';
import { compare } from '../result.js';
import { runAudit, type AuditFile } from './audit.js';
import type { OrgSdk } from './org-sdk.js';
import type { PortOptions } from './port.js';
import { limiter, readError, segment } from './records.js';

export const DEFAULT_ROLE = 'OrganizationAccountAccessRole';
export const DEFAULT_ACCOUNT_CONCURRENCY = 8;
export const SESSION = 's3tables-lint';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** `--shard I/N`: 1 ≤ I ≤ N ≤ 256 (GitHub runs at most 256 jobs per workflow run). */
export function parseShard(text: string): Shard {
  const m = /^(\d{1,3})\/(\d{1,3})$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || index < 1 || count < 1 || index > count || count > 256)
    throw new UsageError(`--shard must be I/N with 1 <= I <= N <= 256, e.g. 2/8; got "${text}"`);
  return { index, count };
}

/**
 * The shard (1-based) of an account among `count`: jump consistent hash (Lamping and Veach) of the
 * SHA-256 of its id. Adding or removing an account moves no other account; going from N to N+1
 * shards moves about 1/(N+1) of the accounts, all into the new shard.
 */
export function shardOf(account: string, count: number): number {
  let key = createHash('sha256').update(account).digest().readBigUInt64BE(0);
  let b = -1;
  let j = 0;
  while (j < count) {
    b = j;
    key = (key * 2862933555777941757n + 1n) & 0xffffffffffffffffn;
    j = Math.floor(((b + 1) * 2 ** 31) / (Number(key >> 33n) + 1));
  }
  return b + 1;
}

/** `--accounts FILE`: one 12-digit account id a line; blank lines and `#` comments are skipped. */
export function readAccounts(file: string, text: string): string[] {
  const out = new Set<string>();
  text.split(/\r?\n/).forEach((line, i) => {
    const id = line.replace(/#.*/, '').trim();
    if (id === '') return;
    if (!/^\d{12}$/.test(id))
      throw new UsageError(`${file}:${i + 1}: not an AWS account id (12 digits): "${id.slice(0, 40)}"`);
    out.add(id);
  });
  if (out.size === 0) throw new UsageError(`${file}: no account id in it`);
  return [...out].sort();
}

export interface OrgAuditOptions {
  /** The accounts from --accounts FILE; undefined: list the organization's. */
  accounts?: string[];
  regions: string[];
  /** AWS calls in flight within one account. */
  concurrency: number;
  /** Accounts audited at once. */
  accountConcurrency: number;
  shard?: Shard;
  format: 'text' | 'json' | 'sarif' | 'github';
  rule: string[];
  skip: string[];
  /** --save DIR (absolute), and how findings should name it. */
  save?: string;
  tool: string;
  progress?: (done: number, total: number) => void;
  /** Writes the audit's documents under a directory; returns their paths (commands.ts' `write`). */
  write: (dir: string, files: readonly AuditFile[]) => string[];
  virtual: (files: readonly AuditFile[]) => { name: string; text: string }[];
}

export interface OrgAuditResult {
  /** The accounts this run audited (its shard), sorted. */
  accounts: string[];
  /** json / sarif: the report (every account's, merged); text / github: the combined lint result. */
  report?: Report;
  result?: LintResult;
  notes: string[];
  /** Accounts where the role could not be assumed. */
  unreachable: string[];
}

export async function runOrgAudit(org: OrgSdk, options: OrgAuditOptions): Promise<OrgAuditResult> {
  const notes: string[] = [];
  await org.checkInitial();
  let all: string[];
  if (options.accounts) all = options.accounts;
  else {
    const answered = await org.listAccounts();
    // An id that is not 12 digits would name files and a role ARN: say so rather than use it.
    const listed = answered.filter((a) => /^\d{12}$/.test(a.id));
    if (listed.length < answered.length)
      notes.push(`${answered.length - listed.length} account(s) with an id that is not 12 digits left out`);
    const inactive = listed.filter((a) => a.state !== 'ACTIVE');
    if (inactive.length > 0)
      notes.push(
        `${inactive.length} account(s) not ACTIVE left out: ${inactive.map((a) => `${a.id} (${a.state})`).join(', ')}`,
      );
    all = [...new Set(listed.filter((a) => a.state === 'ACTIVE').map((a) => a.id))].sort();
  }
  const shard = options.shard;
  const accounts = shard ? all.filter((a) => shardOf(a, shard.count) === shard.index) : all;
  if (shard) notes.push(`shard ${shard.index}/${shard.count}: ${accounts.length} of ${all.length} accounts`);

  const unreachable: string[] = [];
  const reports: Report[] = [];
  const results: LintResult[] = [];
  const limit = limiter(options.accountConcurrency);
  let done = 0;
  await Promise.all(
    accounts.map((account) =>
      limit(async () => {
        const files = await auditAccount(org, account, options).then((r) => {
          if (r.unreachable) unreachable.push(account);
          return r.files;
        });
        const result = options.save
          ? await lint(options.write(options.save, files), { rule: options.rule, skip: options.skip })
          : await lintTexts(options.virtual(files), { rule: options.rule, skip: options.skip });
        // An account's report is small; keeping it instead of its documents bounds the memory.
        if (options.format === 'json' || options.format === 'sarif') {
          const text = options.format === 'json' ? json(result) : sarif(result);
          reports.push(forAccount(parseReport(account, text), account));
        } else results.push(result);
        options.progress?.(++done, accounts.length);
      }),
    ),
  );
  unreachable.sort();
  if (unreachable.length > 0)
    notes.push(`the role could not be assumed in ${unreachable.length} of ${accounts.length} account(s)`);
  const out: OrgAuditResult = { accounts, notes, unreachable };
  if (options.format === 'json' || options.format === 'sarif') {
    if (reports.length === 0) reports.push(empty(options.format));
    const merged = mergeReports(reports.map((report, i) => ({ name: `account ${i}`, report })));
    out.report = shard ? asShard(merged, shard.index, shard.count) : merged;
  } else out.result = combine(results);
  return out;
}

/** One account's documents, its files under `<account>/`; an account that cannot be entered is one record. */
async function auditAccount(
  org: OrgSdk,
  account: string,
  options: OrgAuditOptions,
): Promise<{ files: AuditFile[]; unreachable: boolean }> {
  const port = await org.portFor(account);
  try {
    const audit = await runAudit(port, {
      regions: options.regions,
      concurrency: options.concurrency,
      tool: options.tool,
    });
    return { files: audit.files.map((f) => ({ ...f, path: within(account, f.path) })), unreachable: false };
  } catch (cause) {
    // runAudit throws only when its first call (GetCallerIdentity, which assumes the role) fails.
    const error = readError(cause, {}, { operation: 'AssumeRole', resource: org.roleArn(account) });
    const record = {
      s3tablesLintAudit: {
        version: 1,
        tool: options.tool,
        account,
        caller: org.roleArn(account),
        regions: [...options.regions],
        auditedAt: new Date().toISOString(),
        counts: { buckets: 0, tables: 0, configurations: 0, statuses: 0, roles: 0 },
        errors: [error],
      },
    };
    return { files: [{ path: `${segment(account)}/audit.json`, value: record }], unreachable: true };
  } finally {
    port.close();
  }
}

/**
 * An audit names documents by their owner (`<account>/<region>/...`). In an organization audit an
 * account may read a destination owned by another: that copy stays under the account that read it,
 * so no two accounts' documents share a name.
 */
export function within(account: string, path: string): string {
  const own = `${segment(account)}/`;
  return path.startsWith(own) ? path : `${own}other-accounts/${path}`;
}

/** The text and github reports: every account's findings in one result. */
function combine(results: LintResult[]): LintResult {
  const first = results[0];
  const key = (f: { fingerprint: string; line: number; column: number }) =>
    `${f.fingerprint}\u0000${f.line}:${f.column}`;
  const dedupe = <T extends { fingerprint: string; line: number; column: number }>(xs: T[]): T[] => {
    const seen = new Set<string>();
    return xs.filter((x) => !seen.has(key(x)) && (seen.add(key(x)), true));
  };
  const rules = new Map(results.flatMap((r) => r.rules.map((m) => [m.id, m] as const)));
  return {
    tool: first?.tool ?? { name: '', version: '', informationUri: '', data: {} },
    findings: dedupe(results.flatMap((r) => r.findings).sort(compare)),
    suppressed: dedupe(results.flatMap((r) => r.suppressed ?? []).sort(compare)),
    rules: [...rules.values()],
    notRun: results
      .flatMap((r) => r.notRun)
      .filter((n, i, all) => all.findIndex((m) => m.rule === n.rule) === i),
    crashed: results.some((r) => r.crashed),
    files: results.reduce((n, r) => n + r.files, 0),
    notes: [],
  };
}

/** A shard with no account still writes a report (the merge counts it). */
function empty(format: 'json' | 'sarif'): Report {
  const none: LintResult = {
    tool: TOOL,
    findings: [],
    suppressed: [],
    rules: [],
    notRun: [],
    crashed: false,
    files: 0,
    notes: [],
  };
  return forNoAccount(parseReport('empty', format === 'json' ? json(none) : sarif(none)));
}

function forNoAccount(report: Report): Report {
  if (report.format === 'json')
    return { format: 'json', value: { ...report.value, organization: { accounts: [] } } };
  const run = report.value.runs[0];
  return {
    format: 'sarif',
    value: {
      ...report.value,
      runs: [{ ...run, properties: { ...run.properties, organization: { accounts: [] } } }],
    },
  };
}

// --- The command ----------------------------------------------------------------------------------

export interface OrgFlags {
  org: boolean;
  accounts?: string;
  roleName?: string;
  externalId?: string;
  initialRoleArn?: string;
  accountConcurrency?: string;
  shard?: string;
}

/** Checks the organization flags; undefined when none is given (a one-account audit). */
export function orgSettings(flags: OrgFlags, command: string) {
  const given = [
    flags.roleName !== undefined && '--role-name',
    flags.externalId !== undefined && '--external-id',
    flags.initialRoleArn !== undefined && '--initial-role-arn',
    flags.accountConcurrency !== undefined && '--account-concurrency',
    flags.shard !== undefined && '--shard',
  ].filter((x): x is string => x !== false);
  const isOrg = flags.org || flags.accounts !== undefined;
  if (!isOrg) {
    if (given.length > 0) throw new UsageError(`${given[0]} goes with audit --org or audit --accounts FILE`);
    return undefined;
  }
  if (command !== 'audit') throw new UsageError('--org and --accounts go with audit');
  if (flags.org && flags.accounts !== undefined)
    throw new UsageError('--org lists the accounts and --accounts reads them from a file: give one');
  const roleName = flags.roleName ?? DEFAULT_ROLE;
  if (!/^(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/.test(roleName))
    throw new UsageError(`--role-name must be an IAM role name (optionally path/name); got "${roleName}"`);
  if (flags.externalId !== undefined && !/^[\w+=,.@:/-]{2,1224}$/.test(flags.externalId))
    throw new UsageError('--external-id must be 2 to 1224 characters of letters, digits and +=,.@:/-');
  if (
    flags.initialRoleArn !== undefined &&
    !/^arn:aws[a-z-]*:iam::\d{12}:role\/\S+$/.test(flags.initialRoleArn)
  )
    throw new UsageError(`--initial-role-arn must be an IAM role ARN; got "${flags.initialRoleArn}"`);
  const accountConcurrency = Number(flags.accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY);
  if (!Number.isInteger(accountConcurrency) || accountConcurrency < 1 || accountConcurrency > 64)
    throw new UsageError(
      `--account-concurrency must be a whole number from 1 to 64; got "${flags.accountConcurrency}"`,
    );
  return {
    roleName,
    accountConcurrency,
    ...(flags.externalId !== undefined ? { externalId: flags.externalId } : {}),
    ...(flags.initialRoleArn !== undefined ? { initialRoleArn: flags.initialRoleArn } : {}),
    ...(flags.shard !== undefined ? { shard: parseShard(flags.shard) } : {}),
  };
}

export interface OrgCommandInput {
  settings: NonNullable<ReturnType<typeof orgSettings>>;
  accountsFile?: string;
  regions: string[];
  concurrency: number;
  port: PortOptions;
  format: 'text' | 'json' | 'sarif' | 'github';
  failOn: Level;
  rule: string[];
  skip: string[];
  save?: { dir: string; shown: string };
  output?: string;
  color: boolean;
  helpers: Pick<OrgAuditOptions, 'write' | 'virtual'> & {
    fatal: (cause: unknown) => never;
  };
}

/** Runs the organization audit and prints its report; returns the exit code. */
export async function orgAuditCommand(input: OrgCommandInput): Promise<number> {
  const accounts =
    input.accountsFile === undefined
      ? undefined
      : readAccounts(input.accountsFile, readText(input.accountsFile));
  if (input.regions.length === 0)
    throw new UsageError('an organization audit needs its Regions: give --region (repeatable)');
  const { createOrgSdk } = await import('./org-sdk.js');
  const org = await createOrgSdk(
    { ...input.port, region: input.regions[0] },
    {
      roleName: input.settings.roleName,
      sessionName: SESSION,
      ...(input.settings.externalId !== undefined ? { externalId: input.settings.externalId } : {}),
      ...(input.settings.initialRoleArn !== undefined
        ? { initialRoleArn: input.settings.initialRoleArn }
        : {}),
    },
  );
  const progress = accountsLine(process.stderr.isTTY === true);
  let run: OrgAuditResult;
  try {
    run = await runOrgAudit(org, {
      ...(accounts ? { accounts } : {}),
      regions: input.regions,
      concurrency: input.concurrency,
      accountConcurrency: input.settings.accountConcurrency,
      ...(input.settings.shard ? { shard: input.settings.shard } : {}),
      format: input.format,
      rule: input.rule,
      skip: input.skip,
      ...(input.save ? { save: input.save.dir } : {}),
      tool: `${TOOL.name} ${TOOL.version}`,
      ...(progress.update ? { progress: progress.update } : {}),
      write: input.helpers.write,
      virtual: input.helpers.virtual,
    }).catch(input.helpers.fatal);
  } finally {
    progress.end();
    org.close();
  }
  if (input.save)
    run.notes.push(`saved the documents of ${run.accounts.length} account(s) under ${input.save.shown}`);
  for (const note of run.notes) say(note);
  let out: string;
  let levels: { level: Level; suppressed: boolean }[];
  let crashed: boolean;
  if (run.report) {
    out = renderReport(run.report);
    if (run.report.format === 'json') {
      levels = run.report.value.findings.map((f) => ({
        level: f.level,
        suppressed: f.suppressed !== undefined,
      }));
      crashed = run.report.value.crashed;
    } else {
      const r = run.report.value.runs[0];
      levels = r.results.map((x) => ({ level: x.level, suppressed: Array.isArray(x['suppressions']) }));
      crashed = !r.invocations.every((i) => i.executionSuccessful);
    }
  } else {
    const result = run.result as LintResult;
    out = input.format === 'github' ? github(result) : text(result, { color: input.color });
    levels = result.findings.map((f) => ({ level: f.level, suppressed: false }));
    crashed = result.crashed;
  }
  // Never over an input (the accounts file, the saved audit) or through a link (src/output.ts).
  if (input.output)
    writeReport(input.output, out, [
      ...(input.accountsFile !== undefined ? [resolve(input.accountsFile)] : []),
      ...(input.save ? [input.save.dir] : []),
    ]);
  else process.stdout.write(out);
  if (crashed) return 2;
  return levels.some((l) => !l.suppressed && atLeast(l.level, input.failOn)) ? 1 : 0;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    const code = (cause as { code?: string }).code ?? 'unreadable';
    throw new UsageError(`--accounts ${file}: cannot read it (${code})`);
  }
}

/** "N/M accounts" on stderr, on a terminal only. */
function accountsLine(tty: boolean): { update?: (done: number, total: number) => void; end: () => void } {
  if (!tty) return { end: () => {} };
  return {
    update: (done, total) => process.stderr.write(`\rs3tables-lint: ${done}/${total} accounts audited`),
    end: () => process.stderr.write('\r\u001b[K'),
  };
}
