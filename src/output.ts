import { lstatSync, renameSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { UsageError } from './errors.js';
import { escapeControl } from './text.js';

/** One line on stderr, prefixed with the tool's name; what came from input is escaped. */
export function say(message: string): void {
  process.stderr.write(`s3tables-lint: ${escapeControl(message)}\n`);
}

/** A system error code in words, for one-line messages. */
export function describeCode(code: string): string {
  const words: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    EISDIR: 'it is a directory',
    ENOTDIR: 'a part of the path is not a directory',
    EIO: 'input/output error',
    EFBIG: 'file too large',
    ENAMETOOLONG: 'the name is too long',
    EXDEV: 'cannot replace a file on another file system',
  };
  const w = words[code];
  return w ? `${w} (${code})` : code;
}

const codeOf = (cause: unknown): string =>
  cause instanceof Error && 'code' in cause ? String((cause as { code: unknown }).code) : String(cause);

const lstat = (path: string): Stats | undefined => {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
};

/**
 * Writes a report file the safe way: never over one of the inputs (absolute paths), never through a
 * symlink at the path (a new file in the same directory is renamed over it: a committed
 * `report.sarif -> ~/.bashrc` in a pull request is replaced, not followed), never into a missing
 * directory (it is not created: a typo would scatter reports). Problems are one-line UsageErrors.
 */
export function writeReport(
  path: string,
  data: string,
  inputs: readonly string[],
  cwd = process.cwd(),
): void {
  const abs = resolve(cwd, path);
  const fail = (why: string): never => {
    throw new UsageError(`cannot write ${path}: ${why}`);
  };
  const existing = lstat(abs);
  if (existing?.isDirectory() || /[\\/]$/.test(path)) fail('it is a directory; name a file');
  if (existing && !existing.isFile() && !existing.isSymbolicLink())
    fail('it is not a regular file (a FIFO, socket or device)');
  if (isInput(abs, existing, inputs))
    throw new UsageError(
      `--output ${path} is one of the inputs; the report would replace it: name another file`,
    );
  if (existing?.isFile() && (existing.mode & 0o222) === 0) fail('the file is read-only');
  const dir = dirname(abs);
  const parent = lstat(dir) && statOrUndefined(dir);
  if (!parent) fail(`directory ${relative(cwd, dir) || dir} does not exist`);
  else if (!parent.isDirectory()) fail(`${relative(cwd, dir) || dir} is not a directory`);

  let written: string | undefined;
  try {
    // O_EXCL ('wx'): the temporary name is created new, never an existing file or link.
    for (let attempt = 0; written === undefined; attempt++) {
      const temp = resolve(
        dir,
        `.${basename(abs)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`,
      );
      try {
        writeFileSync(temp, data, { flag: 'wx', mode: 0o666 });
        written = temp;
      } catch (cause) {
        tryUnlink(temp, cause);
        if (codeOf(cause) !== 'EEXIST' || attempt >= 5) throw cause;
      }
    }
    renameSync(written, abs);
  } catch (cause) {
    if (written !== undefined) tryUnlink(written);
    fail(describeCode(codeOf(cause)));
  }
}

/** The path names an input: the same name, or the same file (a hard link, a link that was read). */
function isInput(abs: string, existing: Stats | undefined, inputs: readonly string[]): boolean {
  if (inputs.includes(abs)) return true;
  if (!existing?.isFile()) return false;
  return inputs.some((input) => {
    const s = statOrUndefined(input);
    return s !== undefined && s.ino === existing.ino && s.dev === existing.dev;
  });
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Removes a partial temporary file (not one that existed before: EEXIST). */
function tryUnlink(path: string, cause?: unknown): void {
  if (cause !== undefined && codeOf(cause) === 'EEXIST') return;
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

let stdoutClosed = false;
let stdoutFailed = false;

/** The exit code, or 2 when standard output failed (other than a reader going away). */
export const exitCode = (code: number): number => (stdoutFailed ? 2 : code);

/**
 * Standard output's errors as one line, never a stack trace: a reader that went away (EPIPE,
 * `| head`) ends the output quietly; any other (ENOSPC on `> /dev/full`) is exit 2. Call once.
 */
export function guardStdout(): void {
  process.stdout.on('error', (cause: unknown) => {
    if (codeOf(cause) === 'EPIPE') {
      stdoutClosed = true;
      return;
    }
    if (stdoutClosed) return;
    stdoutClosed = true;
    stdoutFailed = true;
    say(`cannot write the report to standard output: ${describeCode(codeOf(cause))}`);
    process.exitCode = 2;
  });
}

/** Writes to stdout; resolves once written (or once the reader is gone). */
export function writeStdout(data: string): Promise<void> {
  if (stdoutClosed || data === '') return Promise.resolve();
  return new Promise((done) => {
    process.stdout.write(data, () => done());
  });
}
