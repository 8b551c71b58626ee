// npm run bench: builds first (package.json), then runs each section and prints its numbers.
// Add a section: a bench/<name>.mjs default-exporting { name, title, run({ runs }) → { rows, goals, note? } },
// listed in SECTIONS. Flags: --runs N (default 11), --only <name> (repeatable).
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import aws from './aws.mjs';
import coldStart from './cold-start.mjs';
import evaluator from './evaluator.mjs';
import iac from './iac.mjs';
import { CA_CERTS_WAS_SET, CLI, RSS_METHOD } from './lib.mjs';
import manyPolicies from './many-policies.mjs';
import org from './org.mjs';
import pathological from './pathological.mjs';
import setups from './setups.mjs';
import statements from './statements.mjs';

const SECTIONS = [coldStart, manyPolicies, setups, statements, evaluator, pathological, iac, aws, org];

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '11' }, only: { type: 'string', multiple: true } },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run npm run build (npm run bench does)');
const chosen = SECTIONS.filter((s) => !values.only?.length || values.only.includes(s.name));

console.log(`s3tables-lint bench: node ${process.version}, ${process.platform}/${process.arch}`);
console.log(`median of ${runs} runs after one warm-up; peak RSS by ${RSS_METHOD}`);
console.log(
  `NODE_EXTRA_CA_CERTS: unset for every measured process${CA_CERTS_WAS_SET ? ' (it was set here)' : ''}\n`,
);
let missed = 0;
for (const section of chosen) {
  console.log(`## ${section.title}`);
  const result = await section.run({ runs });
  if (result.note) console.log(result.note);
  const width = Math.max(...result.rows.map((r) => r[0].length));
  for (const [label, time, rss] of result.rows)
    console.log(`  ${label.padEnd(width)}  ${time}  peak RSS ${rss}`);
  for (const g of result.goals) {
    console.log(`  ${g.line}`);
    if (!g.ok) missed++;
  }
  console.log('');
}
console.log(missed === 0 ? 'all goals met' : `${missed} goal(s) missed`);
