// The model-based test of the mapping engine (issue 14): fast-check generates sequences of puts, reshards
// (SplitShard, MergeShards, UpdateShardCount), disable/enable, mapping updates, function failures (throws, partial
// batch failures, poison records, throttles), DeleteStream + CreateStream, and crashes with a restart from the
// durable checkpoints; the real engine runs them in process on virtual time and the reference model
// (engine-model.ts) checks: every acknowledged record of the live stream done (delivered, or discarded after its
// retries), per-key order across shard generations, no invoke behind a durable checkpoint, no stall, no bug.
// A failing run prints its seed and shrunk sequence: add it to REGRESSIONS below.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { covered, runSequence } from './engine-harness.js';
import { opArb, setupArb, type MappingSetup, type Op } from './engine-model.js';

/** Sequences that once failed: each stays a test. */
const REGRESSIONS: Array<{ name: string; seed: number; setup: MappingSetup; ops: Op[] }> = [
  {
    name: "a stream event during an update's restart started a second runner that read no checkpoint (soak, seed 351951830)",
    seed: 351951830,
    setup: {
      shards: 1,
      batchSize: 16,
      parallelization: 2,
      maxRetries: 0,
      bisect: true,
      reportBatchItemFailures: false,
      windowS: 0,
      tumblingS: 0,
    },
    ops: [
      { op: 'put', keys: [0, 5, 4], poison: false },
      { op: 'recreate', shards: 1 },
      { op: 'put', keys: [6, 0, 2, 7, 2], poison: false },
      { op: 'split', pick: 1883034008 },
      { op: 'put', keys: [7, 3, 5, 2, 4, 0, 2, 1, 6], poison: true },
      { op: 'merge', pick: 1575268745 },
      { op: 'update', batchSize: 6, parallelization: 2, windowS: 0, bisect: false },
      { op: 'put', keys: [1, 2, 2, 2, 2, 1, 6, 4, 6, 5], poison: true },
      { op: 'split', pick: 1467265247 },
      { op: 'put', keys: [4, 2, 3, 4, 3, 1, 6, 7, 7, 5, 6], poison: false },
      { op: 'advance', ms: 166 },
      { op: 'put', keys: [4, 4, 6, 5, 7, 2, 4, 2, 4, 6], poison: false },
      { op: 'update', batchSize: 4, parallelization: 2, windowS: 1, bisect: true },
    ],
  },
];

describe('mapping engine against its reference model', () => {
  for (const r of REGRESSIONS) {
    it(`regression: ${r.name}`, async () => {
      assert.deepEqual(await runSequence(r.seed, r.setup, r.ops), []);
    });
  }

  it('holds for random sequences of puts, reshards, updates, failures, re-creations and crashes', async (t) => {
    const details = await fc.check(
      fc.asyncProperty(
        fc.integer(),
        setupArb,
        fc.array(opArb(), { minLength: 1, maxLength: 80, size: 'medium' }),
        async (seed, setup, ops) => {
          const problems = await runSequence(seed, setup, ops);
          if (problems.length > 0) throw new Error(problems.slice(0, 10).join('\n'));
        },
      ),
      {
        seed: Number(process.env['MODEL_SEED'] ?? 20261207),
        numRuns: Number(process.env['MODEL_RUNS'] ?? 150),
      },
    );
    if (details.failed)
      throw new Error(
        `model violated (seed ${details.seed}, path ${details.counterexamplePath}); add it to REGRESSIONS:\n` +
          `${JSON.stringify(details.counterexample)}\n${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`,
      );
    t.diagnostic(`covered: ${JSON.stringify(covered)}`);
    // The generator must reach what the model is there to check, or the property proves little.
    for (const op of ['put', 'split', 'merge', 'scale', 'disable', 'update', 'recreate', 'restart', 'faults'])
      assert.ok((covered.ops[op] ?? 0) > 0, `no sequence had a ${op}`);
    assert.ok(covered.discarded > 0 && covered.failed > 0 && covered.throttles > 0, 'failures were covered');
  });
});
