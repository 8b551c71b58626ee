/** What an Action / NotAction value names, according to the service data. */
import { KNOWN_MISSPELLINGS, service, servicePrefixes, type ActionInfo, type ServiceData } from './data.js';
import { closest } from './closest.js';
import { compileGlob, run } from './match.js';
import { hasWildcard } from './wildcard.js';

export type ActionResolution =
  /** `*`, or a wildcard in the service prefix: cannot be narrowed to one service's actions. */
  | { kind: 'any' }
  /** No `service:` prefix. */
  | { kind: 'malformed' }
  | { kind: 'unknown-service'; prefix: string; suggestion?: string }
  /** One of the API reference's misspellings (KNOWN_MISSPELLINGS). */
  | { kind: 'misspelled'; real: string; bucketLevel: string }
  /** An unknown action name (no wildcard). */
  | { kind: 'unknown-action'; service: ServiceData; suggestion?: string }
  /** The actions it names: one for a plain name, any number (maybe none) for a pattern. */
  | { kind: 'actions'; service: ServiceData; actions: ActionInfo[] };

const cache = new Map<string, ActionResolution>();

/** Resolves one Action / NotAction value (case-insensitive, cached). */
export function resolveAction(value: string): ActionResolution {
  const lower = value.toLowerCase();
  let res = cache.get(lower);
  if (!res) {
    res = resolve(value, lower);
    cache.set(lower, res);
  }
  return res;
}

function resolve(value: string, lower: string): ActionResolution {
  if (value === '*') return { kind: 'any' };
  const colon = value.indexOf(':');
  if (colon < 0) return { kind: 'malformed' };
  const prefix = value.slice(0, colon);
  const name = value.slice(colon + 1);
  if (hasWildcard(prefix)) return { kind: 'any' };
  const misspelled = KNOWN_MISSPELLINGS.get(lower);
  if (misspelled) return { kind: 'misspelled', ...misspelled };
  const data = service(prefix);
  if (!data) {
    const suggestion = closest(prefix, servicePrefixes());
    return suggestion ? { kind: 'unknown-service', prefix, suggestion } : { kind: 'unknown-service', prefix };
  }
  if (!hasWildcard(name)) {
    const info = data.actions.get(name.toLowerCase());
    if (info) return { kind: 'actions', service: data, actions: [info] };
    const suggestion = closest(
      name,
      [...data.actions.values()].map((a) => a.name),
    );
    return suggestion
      ? { kind: 'unknown-action', service: data, suggestion: `${data.prefix}:${suggestion}` }
      : { kind: 'unknown-action', service: data };
  }
  const glob = compileGlob(name, true);
  return {
    kind: 'actions',
    service: data,
    actions: [...data.actions.values()].filter((a) => run(glob, a.name)),
  };
}

/**
 * The actions a statement's Action element names, or undefined when that set is not fully known
 * (`*`, a wildcard service prefix, an unknown service or action): rules then stay silent.
 */
export function statementActions(
  values: readonly { value: string }[],
): readonly { service: ServiceData; action: ActionInfo }[] | undefined {
  // Policies repeat the same action lists statement after statement.
  const key = values.length === 1 ? (values[0]?.value ?? '') : values.map((v) => v.value).join('\n');
  if (setCache.has(key)) return setCache.get(key);
  const result = actionSet(values);
  if (setCache.size > 10_000) setCache.clear();
  setCache.set(key, result);
  return result;
}

const setCache = new Map<string, readonly { service: ServiceData; action: ActionInfo }[] | undefined>();

function actionSet(
  values: readonly { value: string }[],
): { service: ServiceData; action: ActionInfo }[] | undefined {
  const out: { service: ServiceData; action: ActionInfo }[] = [];
  for (const { value } of values) {
    const res = resolveAction(value);
    // A pattern that matches nothing may name actions newer than the data: unknown too.
    if (res.kind !== 'actions' || res.actions.length === 0) return undefined;
    for (const action of res.actions) out.push({ service: res.service, action });
  }
  return out;
}
