import { CONFIG_FILE, findConfig, type LoadedConfig } from './config.js';
import { plan } from './plan.js';
import type { FailOn } from './gate.js';
import registry from '../rules/index.js';

export interface PrintConfigOptions {
  cwd: string;
  config: LoadedConfig | undefined;
  /** How the config was chosen: `--config`, `--no-config`, or undefined (searched for). */
  flag?: '--config' | '--no-config';
  failOn: FailOn;
  rule: readonly string[];
  skip: readonly string[];
}

/**
 * `--print-config` (as ESLint has): which config file applied, how it was found, and the settings a
 * run with the same flags uses (the same plan), as JSON. Discovery outside a git repository walks
 * up to `/`, so the directories searched are listed.
 */
export function printConfig(o: PrintConfigOptions): string {
  const searched: string[] = [];
  if (o.flag === undefined) findConfig(o.cwd, searched);
  const found =
    o.flag ??
    (o.config
      ? `the nearest ${CONFIG_FILE}, found by walking up from ${o.cwd}`
      : `none: no ${CONFIG_FILE} in the directories searched`);
  const p = plan({
    cwd: o.cwd,
    all: registry,
    known: registry,
    config: o.config,
    rule: o.rule,
    skip: o.skip,
  });
  const selected = new Set(p.rules.map((r) => r.id));
  const rules = Object.fromEntries(
    registry.map((r) => [r.id, selected.has(r.id) ? (p.levels.get(r.id) ?? r.level) : 'off']),
  );
  const out = {
    configFile: o.config?.path ?? null,
    found,
    ...(o.flag === undefined ? { searched } : {}),
    failOn: o.failOn,
    include: p.include,
    exclude: p.exclude,
    rules,
    bindings: p.bindings,
    suppressions: o.config?.config.suppressions ?? [],
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
