// `s3tables-lint merge FILE...`: reads the reports, merges them (src/merge.ts), prints one.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';
import { writeReport } from './output.js';
import { findingsOf, mergeReports, parseReport, renderReport } from './merge.js';
import { github } from './reporters/github.js';
import { text, useColor } from './reporters/text.js';
import { atLeast, type Level } from './rule.js';

export const MERGE_HELP = `Usage: s3tables-lint merge [options] <report.json|report.sarif>...

Merges the JSON or SARIF reports of several runs (the shards of audit --org --shard I/N) into one:
findings sorted and deduplicated, SARIF rules deduplicated in one run. Refuses reports of different
formats, tool versions or data versions, an account in two reports, and missing shards.

Options:
  -f, --format <json|sarif|text|github>
                                    output format (default: the inputs'; text and github from
                                    JSON reports)
  -o, --output <file>               write the report to a file instead of stdout
      --allow-partial               merge although shards are missing (the report names the
                                    shards it holds)
      --fail-on <error|warning|note>
                                    exit 1 when a finding is at or above this level (default: error)
      --no-color                    no colour in text output
`;

/** Inputs above this are refused (a report of 25,000 findings is about 30 MB). */
const MAX_BYTES = 512 * 1024 * 1024;

export function mergeCommand(argv: string[]): number {
  const { values, positionals } = parse(argv);
  if (values.help) {
    process.stdout.write(MERGE_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('merge takes the reports to merge (see merge --help)');
  const failOn = oneOf(values['fail-on'] ?? 'error', ['error', 'warning', 'note'] as const, '--fail-on');
  const inputs = positionals.map((name) => ({ name, report: parseReport(name, read(name)) }));
  const merged = mergeReports(inputs, { allowPartial: values['allow-partial'] === true });
  const format = oneOf(
    values.format ?? merged.format,
    ['json', 'sarif', 'text', 'github'] as const,
    '--format',
  );
  if (format !== merged.format && !(merged.format === 'json' && (format === 'text' || format === 'github')))
    throw new UsageError(
      `--format ${format}: merge writes ${merged.format} reports as ${merged.format}${merged.format === 'json' ? ', text or github' : ''}`,
    );

  let out: string;
  let levels: Level[];
  let crashed: boolean;
  if (merged.format === 'json') {
    const { findings } = findingsOf(merged.value);
    levels = findings.map((f) => f.level);
    crashed = merged.value.crashed;
    const color = useColor({
      noColor: values['no-color'] === true,
      env: process.env,
      isTTY: process.stdout.isTTY === true,
      toFile: values.output !== undefined,
    });
    out =
      format === 'text'
        ? text({ findings }, { color })
        : format === 'github'
          ? github({ findings })
          : renderReport(merged);
  } else {
    const run = merged.value.runs[0];
    levels = run.results.filter((r) => !Array.isArray(r['suppressions'])).map((r) => r.level);
    crashed = !run.invocations.every((i) => i.executionSuccessful);
    out = renderReport(merged);
  }
  // Never over one of the reports merged, or through a link (src/output.ts).
  if (values.output)
    writeReport(
      values.output,
      out,
      positionals.map((p) => resolve(p)),
    );
  else process.stdout.write(out);
  if (crashed) return 2;
  return levels.some((l) => atLeast(l, failOn)) ? 1 : 0;
}

function read(name: string): string {
  try {
    if (statSync(name).size > MAX_BYTES) throw new UsageError(`${name}: over ${MAX_BYTES / 1024 / 1024} MB`);
    return readFileSync(name, 'utf8');
  } catch (cause) {
    if (cause instanceof UsageError) throw cause;
    const code = (cause as { code?: string }).code ?? 'unreadable';
    throw new UsageError(`${name}: cannot read it (${code})`);
  }
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        'allow-partial': { type: 'boolean' },
        'fail-on': { type: 'string' },
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (cause) {
    const message = cause instanceof Error ? cause.message.split('. ')[0] : String(cause);
    throw new UsageError(`${message} (see merge --help)`);
  }
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}; got "${value}"`);
}
