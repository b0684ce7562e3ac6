// The model-based test end to end (issue 14): the same generator as test/engine-model.test.ts, fewer steps, against
// the real server process with real worker processes through the SDK, including a kill -9 and restart. A fixed seed
// here; `npm run soak` runs minutes of random seeds.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { runE2e } from './engine-e2e.js';

describe('mapping engine against its reference model, end to end', () => {
  for (const [seed, transport] of [
    [20261207, 'h2'],
    [7, 'h1'],
  ] as const) {
    it(`holds for a generated sequence with a kill -9 (seed ${seed}, ${transport})`, async (t) => {
      const r = await runE2e(seed, 24, transport);
      t.diagnostic(`covered: ${JSON.stringify(r.summary)}`);
      assert.deepEqual(r.problems, [], `setup ${JSON.stringify(r.setup)}\nops ${JSON.stringify(r.ops)}`);
      assert.ok((r.summary['records'] as number) > 0);
    });
  }
});
