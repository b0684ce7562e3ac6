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
const REGRESSIONS: Array<{ name: string; seed: number; setup: MappingSetup; ops: Op[] }> = [];

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
