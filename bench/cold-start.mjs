// Cold start: the CLI on one small file against a Node process that does nothing.
import { join } from 'node:path';
import { CLI, ROOT, fmtMb, fmtMs, goal, measure } from './lib.mjs';

export default {
  name: 'cold-start',
  title: 'Cold start: node dist/cli.js on one small file vs node -e 0',
  run({ runs }) {
    const file = join(ROOT, 'examples/table-level/replication.json');
    const floor = measure(['-e', '0'], { runs });
    const cli = measure([CLI, file], { runs, expectStatus: [0, 1] });
    return {
      rows: [
        ['node -e 0', fmtMs(floor), fmtMb(floor)],
        ['node dist/cli.js replication.json', fmtMs(cli), fmtMb(cli)],
      ],
      goals: [goal('cold start ratio', cli.ms / floor.ms, 1.5, '×'), goal('cold start peak RSS', cli.rssMb, 60, ' MB')],
    };
  },
};
