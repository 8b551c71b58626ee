/**
 * Dependencies that most runs never call, loaded on first use: minimatch (globs: directory scans,
 * rule selection, suppressions) and jsonc-parser (syntax error positions) are a third of the
 * CLI bundle otherwise, parsed on every start. The build leaves them out of the bundle.
 */
import { createRequire } from 'node:module';
import type * as Jsonc from 'jsonc-parser';
import type * as Minimatch from 'minimatch';

const require = createRequire(import.meta.url);
let minimatchModule: typeof Minimatch | undefined;
let jsoncModule: typeof Jsonc | undefined;

export const minimatchLib = (): typeof Minimatch =>
  (minimatchModule ??= require('minimatch') as typeof Minimatch);

export const jsoncParser = (): typeof Jsonc => (jsoncModule ??= require('jsonc-parser') as typeof Jsonc);

export const minimatch = (path: string, pattern: string, options?: Minimatch.MinimatchOptions): boolean =>
  minimatchLib().minimatch(path, pattern, options);
