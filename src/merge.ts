// `s3tables-lint merge`: one report from the JSON or SARIF outputs of several runs (the shards of an
// organization audit). Pure functions of the inputs' texts. The merge is associative and orders
// everything by content, never by input order, so merging N shards gives what one unsharded run
// gives (the organization audit builds its own output with these same functions, one input per
// account).
import { compare } from './result.js';
import { UsageError } from './errors.js';
import { LEVELS, type Finding, type Level } from './rule.js';

export type ReportFormat = 'json' | 'sarif';

/** What an organization audit's report says it covers. */
export interface OrgInfo {
  /** The accounts audited, sorted. */
  accounts: string[];
  /** Present while some shards of `count` are missing: the shards merged so far (1-based). */
  shards?: { count: number; merged: number[] };
}

type Obj = Record<string, unknown>;

export interface JsonReport {
  tool: { name: string; version: string; informationUri: string; data: Record<string, string> };
  files: number;
  crashed: boolean;
  summary: { errors: number; warnings: number; notes: number };
  findings: (Finding & { account?: string })[];
  notRun: { rule: string; reason: string }[];
  organization?: OrgInfo;
}

export interface SarifReport {
  $schema?: string;
  version: '2.1.0';
  runs: [SarifRun];
}

interface SarifRun {
  tool: {
    driver: Obj & { name: string; version: string; rules: (Obj & { id: string })[]; properties?: Obj };
  };
  invocations: (Obj & { executionSuccessful: boolean; toolExecutionNotifications?: Obj[] })[];
  results: SarifResult[];
  columnKind?: string;
  properties: Obj & { notRun?: { rule: string; reason: string }[]; organization?: OrgInfo };
}

interface SarifResult extends Obj {
  ruleId: string;
  ruleIndex?: number;
  level: Level;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: Obj } }[];
  partialFingerprints: Record<string, string>;
}

export type Report = { format: 'json'; value: JsonReport } | { format: 'sarif'; value: SarifReport };

export interface MergeOptions {
  /** Merge although some shards of an organization audit are missing (the output lists those merged). */
  allowPartial?: boolean;
  /** Most SARIF results kept, the most severe first (default: GitHub's 25,000 per run). */
  maxResults?: number;
}

/** The partialFingerprints key naming the account of an organization audit's result. */
export const ACCOUNT_FINGERPRINT = 's3tablesLint/account/v1';
const TRUNCATED = 'results-truncated';

/** Parses one report; anything that is not a JSON or SARIF output of s3tables-lint is a UsageError. */
export function parseReport(name: string, text: string): Report {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new UsageError(`${name}: not JSON (${why})`);
  }
  if (isObj(value) && value['version'] === '2.1.0' && Array.isArray(value['runs']))
    return { format: 'sarif', value: checkSarif(name, value) };
  if (isObj(value) && isObj(value['tool']) && Array.isArray(value['findings']))
    return { format: 'json', value: checkJson(name, value) };
  throw new UsageError(`${name}: not a JSON or SARIF report of s3tables-lint (--format json or sarif)`);
}

/** Merges parsed reports of one format, tool version and data version. */
export function mergeReports(
  inputs: readonly { name: string; report: Report }[],
  options: MergeOptions = {},
): Report {
  const first = inputs[0];
  if (!first) throw new UsageError('merge takes the reports to merge (see --help)');
  for (const i of inputs)
    if (i.report.format !== first.report.format)
      throw new UsageError(
        `${i.name} is ${i.report.format.toUpperCase()} and ${first.name} is ${first.report.format.toUpperCase()}: merge reports of one format`,
      );
  const tools = inputs.map((i) => ({ name: i.name, tool: toolOf(i.report) }));
  for (const t of tools)
    if (t.tool !== tools[0]?.tool)
      throw new UsageError(
        `${t.name} was written by ${t.tool} and ${first.name} by ${tools[0]?.tool}: merge reports of one tool and data version (run every shard with the same release)`,
      );
  const organization = mergeOrg(
    inputs.map((i) => ({ name: i.name, org: orgOf(i.report) })),
    options.allowPartial === true,
  );
  if (first.report.format === 'json')
    return {
      format: 'json',
      value: mergeJson(
        inputs.map((i) => i.report.value as JsonReport),
        organization,
      ),
    };
  return {
    format: 'sarif',
    value: mergeSarif(
      inputs.map((i) => i.report.value as SarifReport),
      organization,
      options.maxResults ?? 25_000,
    ),
  };
}

export const renderReport = (report: Report): string => `${JSON.stringify(report.value, null, 2)}\n`;

/**
 * An account's report as an organization audit writes it: every finding names the account (SARIF:
 * a property and a partial fingerprint, so code scanning tells accounts apart), the report the
 * accounts it covers.
 */
export function forAccount(report: Report, account: string): Report {
  const organization: OrgInfo = { accounts: [account] };
  if (report.format === 'json') {
    const v = report.value;
    return {
      format: 'json',
      value: { ...v, findings: v.findings.map((f) => ({ ...f, account })), organization },
    };
  }
  const run = report.value.runs[0];
  const results = run.results.map((r) => ({
    ...r,
    partialFingerprints: { ...r.partialFingerprints, [ACCOUNT_FINGERPRINT]: account },
    properties: { ...(isObj(r['properties']) ? r['properties'] : {}), account },
  }));
  return {
    format: 'sarif',
    value: { ...report.value, runs: [{ ...run, results, properties: { ...run.properties, organization } }] },
  };
}

/** Marks a report as shard `index` of `count`. */
export function asShard(report: Report, index: number, count: number): Report {
  const add = (org: OrgInfo | undefined): OrgInfo => ({
    accounts: org?.accounts ?? [],
    shards: { count, merged: [index] },
  });
  if (report.format === 'json')
    return { format: 'json', value: { ...report.value, organization: add(report.value.organization) } };
  const run = report.value.runs[0];
  return {
    format: 'sarif',
    value: {
      ...report.value,
      runs: [{ ...run, properties: { ...run.properties, organization: add(run.properties.organization) } }],
    },
  };
}

/** A merged JSON report as the text and github reporters read it. */
export function findingsOf(report: JsonReport): { findings: Finding[]; suppressed: Finding[] } {
  return {
    findings: report.findings.filter((f) => !f.suppressed),
    suppressed: report.findings.filter((f) => f.suppressed),
  };
}

// --- JSON --------------------------------------------------------------------------------------

function mergeJson(reports: JsonReport[], organization: OrgInfo | undefined): JsonReport {
  const first = reports[0] as JsonReport;
  const findings = unique(
    reports.flatMap((r) => r.findings).sort((a, b) => compare(a, b) || cmp(a.fingerprint, b.fingerprint)),
    (f) => `${f.fingerprint}\u0000${f.line}:${f.column}`,
  );
  const active = findings.filter((f) => !f.suppressed);
  const count = (level: Level): number => active.filter((f) => f.level === level).length;
  return {
    tool: first.tool,
    files: reports.reduce((n, r) => n + r.files, 0),
    crashed: reports.some((r) => r.crashed),
    summary: { errors: count('error'), warnings: count('warning'), notes: count('note') },
    findings,
    notRun: mergeNotRun(reports.map((r) => r.notRun)),
    ...(organization ? { organization } : {}),
  };
}

function checkJson(name: string, v: Obj): JsonReport {
  const bad = (what: string): never => {
    throw new UsageError(`${name}: not a JSON report of s3tables-lint: ${what}`);
  };
  const tool = v['tool'];
  if (!isObj(tool) || typeof tool['name'] !== 'string' || typeof tool['version'] !== 'string')
    bad('tool has no name and version');
  if (!isCount(v['files'])) bad('files is not a count');
  if (typeof v['crashed'] !== 'boolean') bad('crashed is not true or false');
  (v['findings'] as unknown[]).forEach((f, i) => {
    if (!isFinding(f)) bad(`findings[${i}] is not a finding`);
  });
  if (!Array.isArray(v['notRun']) || !v['notRun'].every(isNotRun)) bad('notRun is not a list of rules');
  if (v['organization'] !== undefined) checkOrg(name, v['organization']);
  return v as unknown as JsonReport;
}

function isFinding(f: unknown): f is Finding {
  return (
    isObj(f) &&
    typeof f['ruleId'] === 'string' &&
    (LEVELS as readonly unknown[]).includes(f['level']) &&
    typeof f['message'] === 'string' &&
    typeof f['file'] === 'string' &&
    ['line', 'column', 'endLine', 'endColumn'].every((k) => isCount(f[k])) &&
    Array.isArray(f['path']) &&
    typeof f['fingerprint'] === 'string' &&
    (f['account'] === undefined || typeof f['account'] === 'string')
  );
}

// --- SARIF -------------------------------------------------------------------------------------

function mergeSarif(reports: SarifReport[], organization: OrgInfo | undefined, max: number): SarifReport {
  const runs = reports.map((r) => r.runs[0]);
  const firstRun = runs[0] as SarifRun;
  const rules = new Map<string, Obj & { id: string }>();
  for (const run of runs)
    for (const rule of run.tool.driver.rules) if (!rules.has(rule.id)) rules.set(rule.id, rule);
  const ids = [...rules.keys()].sort();
  const index = new Map(ids.map((id, i) => [id, i]));

  const keyed = runs
    .flatMap((run) => run.results)
    .map((r) => ({ r, key: sortKey(r) }))
    .sort((a, b) => compareKeys(a.key, b.key));
  const all = unique(keyed, (x) => x.key.identity);
  // Totals before any truncation: an input that was truncated says how many it had.
  const total =
    runs.reduce((n, run) => {
      const t = run.properties['truncated'];
      return n + (isObj(t) && isCount(t['total']) ? t['total'] : run.results.length);
    }, 0) -
    (keyed.length - all.length);
  const kept = mostSevere(all, max);
  const results = kept.map(({ r }) => {
    // ruleIndex right after ruleId, as the SARIF reporter writes it.
    const { ruleId, ruleIndex: _old, ...rest } = r;
    const i = index.get(ruleId);
    return { ruleId, ...(i !== undefined ? { ruleIndex: i } : {}), ...rest };
  });

  const notifications = unique(
    runs
      .flatMap((run) => run.invocations.flatMap((inv) => inv.toolExecutionNotifications ?? []))
      .filter((n) => !(isObj(n['descriptor']) && n['descriptor']['id'] === TRUNCATED))
      .map((n) => ({ n, text: JSON.stringify(n) }))
      .sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0)),
    (x) => x.text,
  ).map((x) => x.n);
  const properties: SarifRun['properties'] = {
    notRun: mergeNotRun(runs.map((run) => run.properties.notRun ?? [])),
  };
  if (kept.length < total) {
    const dropped = total - kept.length;
    properties['truncated'] = { total, kept: kept.length, dropped };
    notifications.push({
      level: 'warning',
      message: {
        text: `${total} results, over the ${max} a run may hold (GitHub code scanning's limit): the ${kept.length} most severe are included, ${dropped} left out; merge the JSON reports to list them all.`,
      },
      descriptor: { id: TRUNCATED },
    });
  }
  if (organization) properties.organization = organization;
  const invocation = {
    executionSuccessful: runs.every((run) => run.invocations.every((inv) => inv.executionSuccessful)),
    ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
  };
  const run: SarifRun = {
    tool: {
      driver: { ...firstRun.tool.driver, rules: ids.map((id) => rules.get(id) as Obj & { id: string }) },
    },
    invocations: [invocation],
    results,
    ...(firstRun.columnKind !== undefined ? { columnKind: firstRun.columnKind } : {}),
    properties,
  };
  const first = reports[0] as SarifReport;
  return { ...(first.$schema ? { $schema: first.$schema } : {}), version: '2.1.0', runs: [run] };
}

interface Key {
  file: string;
  line: number;
  column: number;
  ruleId: string;
  message: string;
  identity: string;
  severity: number;
}

function sortKey(r: SarifResult): Key {
  const loc = r.locations[0]?.physicalLocation;
  const region = loc?.region ?? {};
  const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
  const fingerprint = Object.keys(r.partialFingerprints)
    .sort()
    .map((k) => `${k}=${r.partialFingerprints[k]}`)
    .join('&');
  const line = num(region['startLine']);
  const column = num(region['startColumn']);
  return {
    file: uriToFile(loc?.artifactLocation.uri ?? ''),
    line,
    column,
    ruleId: r.ruleId,
    message: r.message.text,
    identity: `${fingerprint}\u0000${line}:${column}`,
    severity: LEVELS.indexOf(r.level),
  };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const compareKeys = (a: Key, b: Key): number =>
  cmp(a.file, b.file) ||
  a.line - b.line ||
  a.column - b.column ||
  cmp(a.ruleId, b.ruleId) ||
  cmp(a.message, b.message) ||
  cmp(a.identity, b.identity);

/** The SARIF reporter percent-encodes each path segment; undo it so files sort as the engine sorts them. */
function uriToFile(uri: string): string {
  try {
    return uri.split('/').map(decodeURIComponent).join('/');
  } catch {
    return uri;
  }
}

/** The `limit` most severe, in their order (a total order, so truncating twice = truncating once). */
function mostSevere<T extends { key: Key }>(items: T[], limit: number): T[] {
  if (items.length <= limit) return items;
  return items
    .map((x, i) => ({ x, i }))
    .sort((a, b) => b.x.key.severity - a.x.key.severity || a.i - b.i)
    .slice(0, limit)
    .sort((a, b) => a.i - b.i)
    .map((y) => y.x);
}

function checkSarif(name: string, v: Obj): SarifReport {
  const bad = (what: string): never => {
    throw new UsageError(`${name}: not a SARIF report of s3tables-lint: ${what}`);
  };
  const runs = v['runs'] as unknown[];
  if (runs.length !== 1) bad(`it holds ${runs.length} runs, s3tables-lint writes one`);
  const run = runs[0];
  if (!isObj(run)) return bad('runs[0] is not an object');
  const driver = isObj(run['tool']) ? run['tool']['driver'] : undefined;
  if (!isObj(driver) || typeof driver['name'] !== 'string' || typeof driver['version'] !== 'string')
    bad('the run names no tool and version');
  const d = driver as Obj;
  if (!Array.isArray(d['rules']) || !d['rules'].every((r) => isObj(r) && typeof r['id'] === 'string'))
    bad('the tool lists no rules');
  if (!Array.isArray(run['invocations']) || !run['invocations'].every(isObj)) bad('no invocations');
  if (!Array.isArray(run['results'])) bad('no results');
  (run['results'] as unknown[]).forEach((r, i) => {
    if (!isResult(r)) bad(`results[${i}] is not a result with a location and fingerprints`);
  });
  if (!isObj(run['properties'])) run['properties'] = {};
  const props = run['properties'] as Obj;
  if (props['notRun'] !== undefined && !(Array.isArray(props['notRun']) && props['notRun'].every(isNotRun)))
    bad('properties.notRun is not a list of rules');
  if (props['organization'] !== undefined) checkOrg(name, props['organization']);
  return v as unknown as SarifReport;
}

function isResult(r: unknown): r is SarifResult {
  if (!isObj(r) || typeof r['ruleId'] !== 'string' || !(LEVELS as readonly unknown[]).includes(r['level']))
    return false;
  if (!isObj(r['message']) || typeof r['message']['text'] !== 'string') return false;
  const locations = r['locations'];
  const loc = Array.isArray(locations) && isObj(locations[0]) ? locations[0]['physicalLocation'] : undefined;
  if (!isObj(loc) || !isObj(loc['artifactLocation']) || typeof loc['artifactLocation']['uri'] !== 'string')
    return false;
  if (!isObj(loc['region'])) return false;
  const fp = r['partialFingerprints'];
  return isObj(fp) && Object.values(fp).every((x) => typeof x === 'string');
}

// --- Shared ------------------------------------------------------------------------------------

function toolOf(report: Report): string {
  const t =
    report.format === 'json'
      ? { name: report.value.tool.name, version: report.value.tool.version, data: report.value.tool.data }
      : {
          name: report.value.runs[0].tool.driver.name,
          version: report.value.runs[0].tool.driver.version,
          data: report.value.runs[0].tool.driver.properties?.['data'],
        };
  const data = isObj(t.data)
    ? Object.keys(t.data)
        .sort()
        .map((k) => ` ${k} ${String((t.data as Obj)[k])}`)
        .join(',')
    : '';
  return `${t.name} ${t.version}${data ? ` with${data}` : ''}`;
}

const orgOf = (report: Report): OrgInfo | undefined =>
  report.format === 'json' ? report.value.organization : report.value.runs[0].properties.organization;

function mergeOrg(
  inputs: { name: string; org: OrgInfo | undefined }[],
  allowPartial: boolean,
): OrgInfo | undefined {
  const withOrg = inputs.filter((i) => i.org !== undefined);
  if (withOrg.length === 0) return undefined;
  if (withOrg.length !== inputs.length) {
    const plain = inputs.find((i) => i.org === undefined);
    throw new UsageError(
      `${plain?.name} is not an organization audit and ${withOrg[0]?.name} is: merge the shards of one audit`,
    );
  }
  const seen = new Map<string, string>();
  const shardOwner = new Map<number, string>();
  let count: number | undefined;
  for (const { name, org } of withOrg as { name: string; org: OrgInfo }[]) {
    for (const a of org.accounts) {
      const other = seen.get(a);
      if (other !== undefined)
        throw new UsageError(`account ${a} is in ${other} and in ${name}: is one shard given twice?`);
      seen.set(a, name);
    }
    if (org.shards) {
      if (count !== undefined && org.shards.count !== count)
        throw new UsageError(
          `${name} is a shard of ${org.shards.count} and another input of ${count}: merge the shards of one audit`,
        );
      count = org.shards.count;
      for (const i of org.shards.merged) {
        const other = shardOwner.get(i);
        if (other !== undefined) throw new UsageError(`shard ${i}/${count} is in ${other} and in ${name}`);
        shardOwner.set(i, name);
      }
    }
  }
  const accounts = [...seen.keys()].sort();
  if (count === undefined) return { accounts };
  const merged = [...shardOwner.keys()].sort((a, b) => a - b);
  if (merged.length === count) return { accounts }; // complete: the same report as one unsharded run
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !shardOwner.has(i));
  if (!allowPartial)
    throw new UsageError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing: the report would leave out their accounts (merge every shard, or --allow-partial to merge what is here)`,
    );
  return { accounts, shards: { count, merged } };
}

function checkOrg(name: string, v: unknown): void {
  const ok =
    isObj(v) &&
    Array.isArray(v['accounts']) &&
    v['accounts'].every((a) => typeof a === 'string' && /^\d{12}$/.test(a)) &&
    (v['shards'] === undefined ||
      (isObj(v['shards']) &&
        Number.isInteger(v['shards']['count']) &&
        (v['shards']['count'] as number) >= 1 &&
        Array.isArray(v['shards']['merged']) &&
        v['shards']['merged'].every(
          (i) =>
            Number.isInteger(i) &&
            (i as number) >= 1 &&
            (i as number) <= ((v['shards'] as Obj)['count'] as number),
        )));
  if (!ok) throw new UsageError(`${name}: organization is not a list of accounts and shards`);
}

function mergeNotRun(lists: { rule: string; reason: string }[][]): { rule: string; reason: string }[] {
  return unique(
    lists.flat().sort((a, b) => cmp(a.rule, b.rule) || cmp(a.reason, b.reason)),
    (x) => `${x.rule}\u0000${x.reason}`,
  ).map(({ rule, reason }) => ({ rule, reason }));
}

/** Drops later items whose key was seen (input sorted, so the kept one is the first in order). */
function unique<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((x) => {
    const k = key(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isNotRun = (x: unknown): boolean =>
  isObj(x) && typeof x['rule'] === 'string' && typeof x['reason'] === 'string';
