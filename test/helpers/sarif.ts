import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Log } from 'sarif';
import { ROOT } from './cases.js';

// The SARIF 2.1.0 schema and Microsoft's validator, both from @microsoft/sarif-multitool-<platform>.
const PLATFORM_DIR = join(ROOT, 'node_modules/@microsoft', `sarif-multitool-${process.platform}`);
export const SCHEMA_FILE = join(PLATFORM_DIR, 'sarif-2.1.0.json');
/** Turns off SARIF2006 (it fetches every URI in the log over HTTP; tests use no network). */
const CONFIG = join(ROOT, 'test/helpers/multitool.xml');
const BINARY = join(PLATFORM_DIR, process.platform === 'win32' ? 'Sarif.Multitool.exe' : 'Sarif.Multitool');

let validate: ReturnType<Ajv2020['compile']> | undefined;

/** JSON-schema errors of a SARIF log ([] when valid). */
export function schemaErrors(log: unknown): string[] {
  if (!validate) {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
  }
  if (validate(log)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

export interface MultitoolVerdict {
  errors: string[];
  warnings: string[];
}

/**
 * Runs `Sarif.Multitool validate --rule-kind "Gh;Sarif"` (schema, SARIF and GitHub ingestion rules,
 * all but the network-bound SARIF2006) on the files. The binary exits 0 even when it finds errors, so the verdict is read from its log.
 * Called directly, not through npx: the npm wrapper goes through a shell, which splits at `;`.
 */
export function multitool(files: readonly string[]): MultitoolVerdict {
  if ((statSync(BINARY).mode & 0o100) === 0) chmodSync(BINARY, 0o755); // npm may skip its postinstall
  accessSync(BINARY, constants.X_OK);
  const out = join(mkdtempSync(join(tmpdir(), 's3tl-multitool-')), 'validation.sarif');
  const r = spawnSync(
    BINARY,
    [
      'validate',
      ...files,
      '--rule-kind',
      'Gh;Sarif',
      '--config',
      CONFIG,
      '-o',
      out,
      '--log',
      'ForceOverwrite',
    ],
    { encoding: 'utf8', env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' } },
  );
  if (r.status !== 0) throw new Error(`Sarif.Multitool exited ${r.status}: ${r.stderr}${r.stdout}`);
  // It skips files over 10 MB (WRN997) and still says "completed successfully": count what it read.
  if (!r.stdout.includes(`Done. ${files.length} files scanned.`))
    throw new Error(`Sarif.Multitool did not scan all ${files.length} files:\n${r.stdout}`);
  const log = JSON.parse(readFileSync(out, 'utf8')) as Log;
  const verdict: MultitoolVerdict = { errors: [], warnings: [] };
  for (const run of log.runs) {
    for (const invocation of run.invocations ?? []) {
      const notes = [
        ...(invocation.toolConfigurationNotifications ?? []),
        ...(invocation.toolExecutionNotifications ?? []),
      ];
      for (const n of notes) {
        // The one rule the config turns off (it would fetch every URI over the network).
        if (n.descriptor?.id === 'WRN999.RuleExplicitlyDisabled' && n.message.text?.includes("'SARIF2006'"))
          continue;
        verdict.errors.push(`${n.descriptor?.id ?? 'notification'} ${n.message.text ?? ''}`);
      }
      if (!invocation.executionSuccessful) verdict.errors.push('Sarif.Multitool: execution not successful');
    }
    for (const result of run.results ?? []) {
      const where = result.locations?.[0]?.physicalLocation;
      const line = `${result.ruleId} ${where?.artifactLocation?.uri ?? ''}:${where?.region?.startLine ?? ''} ${(result.message.arguments ?? []).join(' | ')}`;
      // SARIF's default level is warning.
      if ((result.level ?? 'warning') === 'error') verdict.errors.push(line);
      else if ((result.level ?? 'warning') === 'warning') verdict.warnings.push(line);
    }
  }
  return verdict;
}
