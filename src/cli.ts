import { existsSync, lstatSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initPlan } from './init.js';
import { escapeControl } from './text.js';
import { parseArgs } from 'node:util';
import { CONFIG_FILE, findConfig, loadConfig, type LoadedConfig } from './config.js';
import { UsageError } from './errors.js';
import { link } from './link.js';
import { lint, TOOL } from './lint.js';
import { printConfig } from './printconfig.js';
import { exitCode, guardStdout, say, writeReport, writeStdout } from './output.js';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE } from './load/files.js';
import { load, MAX_FILE_BYTES } from './load/index.js';
import { readStdin } from './load/stdin.js';
import {
  cfnTemplates,
  onlyReplication,
  renderSuggestion,
  suggest,
  SUGGEST_FORMATS,
} from './replication/suggest.js';
import { json } from './reporters/json.js';
import { sarif } from './reporters/sarif.js';
import { github } from './reporters/github.js';
import { listRules } from './reporters/rules.js';
import registry from '../rules/index.js';
import { text, useColor } from './reporters/text.js';
import { FAIL_ON, parseMaxWarnings, verdict } from './gate.js';
import type { LintResult } from './result.js';

const HELP = `Usage: s3tables-lint [options] [paths...]
       s3tables-lint suggest <replication.json> [--source ARN] [--as json|cfn|terraform] [-o file]
       s3tables-lint init [paths...] [--force]
       s3tables-lint audit | dry-run ...   (read-only, against an AWS account: see audit --help)
       s3tables-lint merge <reports...>    (one report from several runs' JSON or SARIF)

Lints S3 Tables replication configurations (PutTableReplication / PutTableBucketReplication
requests and Get...Replication output) and the IAM documents behind them (aws iam get-role,
get-role-policy, get-policy-version, get-account-authorization-details output, bare policies).
Paths are files, directories (scanned for **/*.json, **/*.yaml, **/*.yml, **/*.template), globs,
or - for stdin. Default: .

Options:
  -f, --format <text|json|sarif|github>
                                    output format (default: text); github = GitHub Actions
                                    annotations
  -o, --output <file>               write the report to a file instead of stdout
      --rule <glob>                 run only rules whose id matches (repeatable)
      --skip <glob>                 do not run rules whose id matches (repeatable)
      --caller-policy <file>        the file holds a policy of the principal that calls
                                    Put...Replication (repeatable)
      --caller <user|group|role>    the principal (name or ARN) of a get-account-authorization-details
                                    input that calls Put...Replication: its policies are the caller's
      --role-policy <file>          the file holds a permissions policy of the replication role
                                    the configuration names (repeatable)
      --trust-policy <file>         the file holds the replication role's trust policy
      --tf-root <dir>               the Terraform root module of the plans given: findings point at
                                    the .tf blocks of their resources instead of the plan JSON
      --source <arn>                the source table or table bucket of the Get...Replication
                                    output among the inputs (it names none); also for suggest
      --explain                     print, for permission findings, the statements considered
                                    and why none granted (or which Deny won)
      --fail-on <error|warning|note|none>
                                    exit 1 when a finding is at or above this level (default:
                                    error); none: report only
      --max-warnings <n>            also exit 1 when there are more than n warnings (as ESLint)
      --allow-empty                 exit 0 when the paths hold nothing to lint
  -c, --config <file>               use this config file (default: the nearest .s3tables-lint.json
                                    in this or a parent directory, up to the git repository root)
      --no-config                   use no config file
      --print-config                print which config file applies (and how it was found) and the
                                    resolved settings, as JSON, and exit
      --no-color                    no colour, even on a terminal (also NO_COLOR; FORCE_COLOR
                                    colours a non-terminal)
      --list-rules                  print every rule: id, default level, description (--format
                                    json: also tags, security severity and help page)
  -v, --version                     print the version and the data versions
  -h, --help                        print this help

init finds the setups under the paths (default .) by content and writes .s3tables-lint.json with
the bindings it infers (caller policy, role permissions and trust policy of each configuration's
role, from the files in its folder), saying why for each; --force overwrites an existing file.

suggest prints the least-privilege caller policy, role permissions policy, trust policy (and the
table bucket policy of each destination in another account) for one replication configuration,
as JSON (default), CloudFormation (YAML with JSON bodies) or Terraform (--as).

Exit codes: 0 no finding at or above --fail-on (and at most --max-warnings warnings);
            1 findings at or above it (or too many warnings);
            2 usage error, unreadable path or internal error.
`;

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
type Format = (typeof FORMATS)[number];

async function main(argv: string[]): Promise<number> {
  guardStdout();
  // The commands that call AWS live in their own module (they load the SDK).
  if (argv[0] === 'audit' || argv[0] === 'dry-run')
    return (await import('./aws/commands.js')).awsCommand(argv[0], argv.slice(1));
  if (argv[0] === 'merge') return (await import('./merge-command.js')).mergeCommand(argv.slice(1));
  const { values, positionals } = parse(argv);
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.version) {
    const data = Object.entries(TOOL.data).map(([k, v]) => `\n${k} ${v}`);
    process.stdout.write(`${TOOL.name} ${TOOL.version}${data.join('')}\n`);
    return 0;
  }
  if (values['list-rules']) {
    const as = oneOf(values.format ?? 'text', ['text', 'json'] as const, '--format (with --list-rules)');
    const metas = registry.map(({ check: _check, policy: _policy, ...meta }) => meta);
    process.stdout.write(listRules(metas, as));
    return 0;
  }
  if (positionals[0] === 'init') return initCommand(positionals.slice(1), values.force === true);
  if (values.force) throw new UsageError('--force goes with the init command (see --help)');
  if (positionals[0] === 'suggest') return suggestCommand(positionals.slice(1), values);
  if (values.as !== undefined) throw new UsageError('--as goes with the suggest command (see --help)');
  const format = oneOf(values.format ?? 'text', FORMATS, '--format');
  if (values.config !== undefined && values['no-config'])
    throw new UsageError('--config and --no-config cannot be used together');
  const config = readConfig(values.config, values['no-config'] === true);
  // Flags win over the config file.
  const failOn = oneOf(values['fail-on'] ?? config?.config.failOn ?? 'error', FAIL_ON, '--fail-on');
  let maxWarnings = config?.config.maxWarnings;
  if (values['max-warnings'] !== undefined) {
    maxWarnings = parseMaxWarnings(values['max-warnings']);
    if (maxWarnings === undefined)
      throw new UsageError(
        `--max-warnings must be a whole number (0 or more, or -1 for no limit); got "${values['max-warnings']}"`,
      );
  }
  if (values['print-config']) {
    await writeStdout(
      printConfig({
        cwd: process.cwd(),
        config,
        ...(values['no-config'] ? { flag: '--no-config' as const } : {}),
        ...(values.config !== undefined ? { flag: '--config' as const } : {}),
        failOn,
        rule: values.rule ?? [],
        skip: values.skip ?? [],
      }),
    );
    return 0;
  }
  const paths = positionals.length > 0 ? positionals : ['.'];
  if (paths.filter((p) => p === '-').length > 1) throw new UsageError('- (stdin) can be given once');

  checkBindingFlags(values);
  const trust = values['trust-policy'] ?? [];
  if (trust.length > 1)
    throw new UsageError('--trust-policy is given more than once; a role has one trust policy');
  const result = await lint(paths, {
    rule: values.rule ?? [],
    skip: values.skip ?? [],
    ...(config ? { config } : {}),
    ...(values['caller-policy'] ? { bindings: { caller: values['caller-policy'] } } : {}),
    ...(values['role-policy'] ? { rolePolicies: values['role-policy'] } : {}),
    ...(trust[0] !== undefined ? { trustPolicy: trust[0] } : {}),
    ...(values.caller !== undefined ? { callerPrincipal: values.caller } : {}),
    ...(values['tf-root'] !== undefined ? { tfRoot: values['tf-root'] } : {}),
    ...(values.source !== undefined ? { source: values.source } : {}),
    stdin: () => readStdin(MAX_FILE_BYTES),
  });
  const empty = result.files === 0 && !values['allow-empty'];
  // Nothing to lint is one error line; the notes (a directory without JSON) say it more precisely.
  if (empty)
    say(
      result.notes.length > 0
        ? result.notes.map((n) => n.replace(/\)$/, '; --allow-empty accepts that)')).join('; ')
        : `nothing to lint in ${paths.join(' ')}: no replication configuration or IAM document found (--allow-empty accepts that)`,
    );
  else for (const note of result.notes) say(note);
  const color = useColor({
    noColor: values['no-color'] === true,
    env: process.env,
    isTTY: process.stdout.isTTY === true,
    toFile: values.output !== undefined,
  });
  const out = render(result, format, color, values.explain === true);
  if (values.output)
    writeReport(values.output, out, [...(result.inputs ?? []), ...(config ? [config.path] : [])]);
  else await writeStdout(out);

  if (result.crashed) return 2;
  if (empty) return 2;
  const gate = verdict(result.findings, { failOn, ...(maxWarnings !== undefined ? { maxWarnings } : {}) });
  if (gate.why) say(gate.why);
  return gate.fail ? 1 : 0;
}

/**
 * Binding flags name files: `-` is not one (standard input is an input to lint, never bound), and
 * a missing file is reported against the flag the user typed.
 */
function checkBindingFlags(values: Values): void {
  for (const flag of ['caller-policy', 'role-policy', 'trust-policy'] as const) {
    for (const file of values[flag] ?? []) {
      if (file === '-')
        throw new UsageError(
          `--${flag} takes a file, not - (standard input cannot be bound): save the policy to a file and give its path`,
        );
      // What else it is (a directory, a FIFO, a looping link) the plan says.
      if (!exists(file)) throw new UsageError(`--${flag} ${file}: no such file`);
    }
  }
}

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

const exists = (path: string): boolean => {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
};

function readConfig(file: string | undefined, none: boolean): LoadedConfig | undefined {
  if (none) return undefined;
  const path = file ?? findConfig(process.cwd());
  return path === undefined ? undefined : loadConfig(path, process.cwd());
}

function render(result: LintResult, format: Format, color: boolean, explain: boolean): string {
  if (format === 'json') return json(result);
  if (format === 'sarif') return sarif(result);
  if (format === 'github') return github(result);
  return text(result, { color, explain });
}

type Values = ReturnType<typeof parse>['values'];

/** `init`: proposes bindings for the setups found, writes .s3tables-lint.json (never over one). */
function initCommand(args: string[], force: boolean): number {
  const cwd = process.cwd();
  const target = join(cwd, CONFIG_FILE);
  if (existsSync(target) && !force)
    throw new UsageError(`${CONFIG_FILE} exists; --force overwrites it (review the diff before you commit)`);
  const { documents } = load(args.length > 0 ? args : ['.'], {
    cwd,
    include: DEFAULT_INCLUDE,
    exclude: DEFAULT_EXCLUDE,
  });
  const proposal = initPlan(documents, cwd);
  const out = process.stdout;
  for (const line of proposal.reasons) out.write(`${line}\n`);
  if (proposal.setups === 0) {
    out.write(`no replication configuration found: nothing written\n`);
    return 0;
  }
  if (!proposal.config.bindings) {
    out.write(
      `every document of the ${proposal.setups} setup(s) links by itself: no ${CONFIG_FILE} needed\n`,
    );
    return 0;
  }
  const schema = 'node_modules/s3tables-lint/schema/s3tables-lint.schema.json';
  const config = existsSync(join(cwd, schema))
    ? { $schema: `./${schema}`, ...proposal.config }
    : proposal.config;
  writeFileSync(target, `${JSON.stringify(config, null, 2)}\n`);
  out.write(
    `wrote ${CONFIG_FILE} for ${proposal.setups} setup(s): review the bindings above, then commit it; every run (the pre-commit hook, CI) now checks whole setups\n`,
  );
  return 0;
}

async function suggestCommand(args: string[], values: Values): Promise<number> {
  if (args.length !== 1)
    throw new UsageError('suggest takes one replication configuration file (see --help)');
  const file = args[0] as string;
  const as = oneOf(values.as ?? 'json', SUGGEST_FORMATS, '--as');
  const { documents } = load([file], {
    cwd: process.cwd(),
    include: DEFAULT_INCLUDE,
    exclude: DEFAULT_EXCLUDE,
  });
  const model = link(documents, values.source !== undefined ? { source: values.source } : {});
  const l = onlyReplication(model, file);
  const output = values.output;
  // -o DIR (an existing directory, or a path ending in /): one CloudFormation template per stack.
  if (output !== undefined && (output.endsWith('/') || isDirectory(output))) {
    if (as !== 'cfn')
      throw new UsageError(`-o ${output} is a directory: that goes with --as cfn (one template per stack)`);
    // The user asked for a directory: make it (writeReport creates none, so a typo cannot scatter files).
    mkdirSync(output, { recursive: true });
    for (const t of cfnTemplates(l, suggest(l))) {
      const target = join(output, t.file);
      writeReport(target, t.text, [resolve(file)]);
      await writeStdout(
        escapeControl(
          `${target}: account ${t.account}${t.region ? `, Region ${t.region}` : ''}: aws cloudformation deploy --template-file ${target} --stack-name <name>${t.region ? ` --region ${t.region}` : ' --capabilities CAPABILITY_NAMED_IAM'}`,
        ) + '\n',
      );
    }
    return 0;
  }
  const out = renderSuggestion(l, as);
  if (output) writeReport(output, out, [resolve(file)]);
  else await writeStdout(out);
  return 0;
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
        rule: { type: 'string', multiple: true },
        skip: { type: 'string', multiple: true },
        'fail-on': { type: 'string' },
        'max-warnings': { type: 'string' },
        'caller-policy': { type: 'string', multiple: true },
        caller: { type: 'string' },
        source: { type: 'string' },
        'role-policy': { type: 'string', multiple: true },
        'trust-policy': { type: 'string', multiple: true },
        'tf-root': { type: 'string' },
        explain: { type: 'boolean' },
        as: { type: 'string' },
        'allow-empty': { type: 'boolean' },
        config: { type: 'string', short: 'c' },
        'no-config': { type: 'boolean' },
        'no-color': { type: 'boolean' },
        'print-config': { type: 'boolean' },
        version: { type: 'boolean', short: 'v' },
        'list-rules': { type: 'boolean' },
        force: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (cause) {
    // parseArgs messages are long; keep the first sentence.
    const message = cause instanceof Error ? (cause.message.split(/\.\s/)[0] ?? '') : String(cause);
    throw new UsageError(`${message} (see --help)`);
  }
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}; got "${value}"`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = exitCode(code);
  },
  (cause: unknown) => {
    if (cause instanceof UsageError) {
      say(cause.message);
    } else {
      const message = cause instanceof Error ? cause.message : String(cause);
      say(`internal error: ${message}`);
      if (process.env['S3TABLES_LINT_DEBUG'] && cause instanceof Error)
        process.stderr.write(`${cause.stack}\n`);
    }
    process.exitCode = 2;
  },
);
