import { readSync } from 'node:fs';
import { UsageError } from '../errors.js';

const CHUNK = 1024 * 1024;

/**
 * Reads a file descriptor (standard input) to its end, stopping as soon as more than `limit` bytes
 * have come: `s3tables-lint - < /dev/zero` ends at the limit instead of filling memory.
 */
export function readStdin(limit: number, fd = 0): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const buffer = Buffer.allocUnsafe(CHUNK);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buffer, 0, CHUNK, null);
    } catch (cause) {
      const code = cause instanceof Error && 'code' in cause ? cause.code : undefined;
      // A non-blocking descriptor (a terminal, some pipes) with nothing yet: wait briefly.
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (code === 'EOF') break;
      throw cause;
    }
    if (n === 0) break;
    total += n;
    if (total > limit)
      throw new UsageError(
        `standard input is over the ${limit / 1048576} MiB limit; save it to files and name them`,
      );
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  return Buffer.concat(chunks, total);
}
