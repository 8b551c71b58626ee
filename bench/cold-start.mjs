// Cold start: the CLI on one small file against a Node process that does nothing.
import { join } from 'node:path';
import { CLI, ROOT, compare, fmtMb, fmtMs, goal } from './lib.mjs';

export default {
  name: 'cold-start',
  title: 'Cold start: node dist/cli.js on one small file vs node -e 0',
  run({ runs }) {
    const file = join(ROOT, 'examples/table-level/replication.json');
    const [floor, cli] = compare(
      [{ args: ['-e', '0'] }, { args: [CLI, file], options: { expectStatus: [0, 1] } }],
      { runs },
    );
    return {
      rows: [
        ['node -e 0', fmtMs(floor), fmtMb(floor)],
        ['node dist/cli.js replication.json', fmtMs(cli), fmtMb(cli)],
      ],
      note: `CPU ratio ${(cli.cpuMs / floor.cpuMs).toFixed(2)}×`,
      goals: [
        goal('cold start ratio', cli.ms / floor.ms, 1.5, '×'),
        goal('cold start peak RSS', cli.rssMb, 60, ' MB'),
      ],
    };
  },
};
