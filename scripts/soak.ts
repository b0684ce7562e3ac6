// `npm run soak [-- --minutes N] [--seed S]`: the mapping engine's model-based test for minutes (issue 14). Each
// round runs one end-to-end sequence against the real server (kill -9 included, alternating HTTP/2 and HTTP/1.1
// clients) and a batch of in-process sequences on virtual time, each from a fresh seed; prints what it covered, and
// on a violation the seed and sequence to add to the regression tests (exit 1).
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { runE2e } from '../test/mappings/engine-e2e.js';
import { runSequence } from '../test/mappings/engine-harness.js';
import { opArb, setupArb } from '../test/mappings/engine-model.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    seed: { type: 'string' },
    steps: { type: 'string', default: '40' },
  },
});
const minutes = Number(values.minutes);
const steps = Number(values.steps);
let seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
const end = Date.now() + minutes * 60_000;
const totals = {
  e2eSequences: 0,
  e2eRecords: 0,
  e2eInvokes: 0,
  e2eDiscarded: 0,
  modelSequences: 0,
  ops: {} as Record<string, number>,
};
const started = Date.now();
console.log(`# soak: ${minutes} min from seed ${seed}, ${steps} steps per end-to-end sequence`);

let failed = false;
for (let round = 0; Date.now() < end && !failed; round++, seed++) {
  const transport = round % 2 === 0 ? 'h2' : 'h1';
  const r = await runE2e(seed, steps, transport);
  totals.e2eSequences++;
  totals.e2eRecords += r.summary['records'] as number;
  totals.e2eInvokes += r.summary['invokes'] as number;
  totals.e2eDiscarded += r.summary['discarded'] as number;
  for (const [k, v] of Object.entries(r.summary['ops'] as Record<string, number>))
    totals.ops[k] = (totals.ops[k] ?? 0) + v;
  if (r.problems.length > 0) {
    console.log(`# VIOLATION end to end, seed ${seed} (${transport}):\n${r.problems.join('\n')}`);
    console.log(`# setup ${JSON.stringify(r.setup)}\n# ops ${JSON.stringify(r.ops)}`);
    failed = true;
    break;
  }
  // In-process sequences on virtual time: many per round, each with its own seed.
  const samples = fc.sample(
    fc.tuple(fc.integer(), setupArb, fc.array(opArb(), { minLength: 1, maxLength: 80, size: 'medium' })),
    {
      seed,
      numRuns: 200,
    },
  );
  for (const [s, setup, ops] of samples) {
    const problems = await runSequence(s, setup, ops);
    totals.modelSequences++;
    if (problems.length > 0) {
      console.log(`# VIOLATION in process, seed ${s}:\n${problems.join('\n')}`);
      console.log(`# setup ${JSON.stringify(setup)}\n# ops ${JSON.stringify(ops)}`);
      failed = true;
      break;
    }
  }
  if (round % 5 === 0)
    console.log(`# ${((Date.now() - started) / 60_000).toFixed(1)} min: ${JSON.stringify(totals)}`);
}
console.log(
  `# soak ${failed ? 'FAILED' : 'passed'} after ${((Date.now() - started) / 60_000).toFixed(1)} min: ${JSON.stringify(totals)}`,
);
process.exit(failed ? 1 : 0);
