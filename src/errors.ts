import type { Doc, Path } from './model.js';
import { escapeControl } from './values.js';

/**
 * A problem with how the tool was called or with a path: one line on stderr, exit 2. The message
 * quotes what the user gave (a path, a glob, a config value): its control characters are escaped
 * here, so no caller of the library prints a raw one either.
 */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(message: string) {
    super(escapeControl(message));
  }
}

/**
 * Where a rule was when it crashed. Code that walks documents for rules (the evaluator) tags an
 * error on its way out with the document and path it was checking; the engine then reports the
 * crash there instead of at the first input. The innermost tag wins.
 */
export interface CrashSite {
  doc: Doc;
  path: Path;
}

const crashSites = new WeakMap<object, CrashSite>();

/** Records where `cause` was thrown (unless a deeper caller did); returns it for `throw`. */
export function tagCrash(cause: unknown, doc: Doc, path: Path): unknown {
  if (typeof cause === 'object' && cause !== null && !crashSites.has(cause))
    crashSites.set(cause, { doc, path });
  return cause;
}

export function crashSite(cause: unknown): CrashSite | undefined {
  return typeof cause === 'object' && cause !== null ? crashSites.get(cause) : undefined;
}
