import { spawn } from 'node:child_process';
import { CLI } from './cli.js';
import { ROOT } from './cases.js';
import { TEST_CREDENTIALS } from './fake-aws.js';
/** Runs the built CLI without blocking this process (the fake answers from it). */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; execArgv?: string[] } = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...(options.execArgv ?? []), CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: {
        // Only what the SDK's chain needs, so no real profile or credentials are ever used.
        PATH: process.env['PATH'] ?? '',
        HOME: '/nonexistent',
        AWS_CONFIG_FILE: '/nonexistent',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        NO_COLOR: '1',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, stdout, stderr }));
  });
}
