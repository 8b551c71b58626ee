import { escapeControl } from './text.js';

/** One line on stderr, prefixed with the tool's name; what came from input is escaped. */
export function say(message: string): void {
  process.stderr.write(`s3tables-lint: ${escapeControl(message)}\n`);
}
