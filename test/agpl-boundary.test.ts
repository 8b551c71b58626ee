/** iam-simulate is AGPL: tests and bench may use it, shipped code (src/, rules/) never. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

it('src/ and rules/ never mention @cloud-copilot/iam-simulate', () => {
  const root = new URL('..', import.meta.url).pathname;
  const all = [...files(join(root, 'src')), ...files(join(root, 'rules'))];
  expect(all.length).toBeGreaterThan(10);
  const offenders = all.filter((f) => readFileSync(f, 'utf8').includes('@cloud-copilot/iam-simulate'));
  expect(offenders).toEqual([]);
});
