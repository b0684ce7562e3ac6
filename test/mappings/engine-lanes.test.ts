import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { EncodedRecord } from '../../src/mappings/engine/event-builder.js';
import { gatherWaitMs, laneOf, newLanes, type Lane } from '../../src/mappings/engine/lanes.js';

/** Deterministic hex keys (uuid-like), from a small PRNG (mulberry32). */
function randomKeys(n: number, seed: number): string[] {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return Array.from({ length: n }, () =>
    [next(), next(), next(), next()].map((x) => x.toString(16).padStart(8, '0')).join('-'),
  );
}

/** Pearson's chi-square statistic of the lane counts against a uniform spread. */
function chiSquare(keys: ReadonlyArray<string>, lanes: number): { chi2: number; counts: number[] } {
  const counts = new Array<number>(lanes).fill(0);
  for (const k of keys) counts[laneOf(k, lanes)]!++;
  const expected = keys.length / lanes;
  const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  return { chi2, counts };
}

function lane(o: { queued?: number; since?: number } = {}): Lane {
  const l = newLanes(1)[0]!;
  for (let i = 0; i < (o.queued ?? 0); i++) l.queue.push({} as EncodedRecord);
  l.since = o.since ?? 0;
  return l;
}

describe('engine: lanes', () => {
  it('newLanes makes independent lanes', () => {
    const lanes = newLanes(3);
    assert.equal(lanes.length, 3);
    lanes[0]!.queue.push({} as EncodedRecord);
    assert.equal(lanes[1]!.queue.length, 0, 'lanes must not share a queue');
    assert.notEqual(lanes[0]!.signal, lanes[1]!.signal, 'lanes must not share a signal');
    assert.equal(lanes[2]!.window, undefined);
  });

  it('laneOf is stable: one key always goes to the same lane', () => {
    for (const key of ['a', 'user-17', 'ключ', '🙂', '', 'x'.repeat(256)]) {
      for (const lanes of [1, 2, 3, 7, 10]) {
        const first = laneOf(key, lanes);
        for (let i = 0; i < 3; i++) assert.equal(laneOf(key, lanes), first);
        assert.equal(laneOf(String(key), lanes), first, 'a key built anew lands in the same lane');
      }
    }
  });

  it('laneOf is the FNV-1a hash the code documents (known test vectors)', () => {
    // FNV-1a 32-bit: "" -> 0x811c9dc5, "a" -> 0xe40c292c, "foobar" -> 0xbf9cf968.
    const whole = 2 ** 32;
    assert.equal(laneOf('', whole), 0x811c9dc5);
    assert.equal(laneOf('a', whole), 0xe40c292c);
    assert.equal(laneOf('foobar', whole), 0xbf9cf968);
  });

  it('laneOf stays within [0, lanes) and uses lane 0 only when there is one lane', () => {
    const keys = randomKeys(2000, 1);
    for (const lanes of [1, 2, 3, 5, 10]) {
      for (const k of keys) {
        const l = laneOf(k, lanes);
        assert.ok(Number.isInteger(l) && l >= 0 && l < lanes, `${k}: lane ${l} of ${lanes}`);
      }
    }
    assert.ok(keys.every((k) => laneOf(k, 1) === 0));
  });

  it('laneOf spreads keys over the lanes (chi-square over 10k keys)', () => {
    const families: Record<string, string[]> = {
      random: randomKeys(10_000, 14),
      numbered: Array.from({ length: 10_000 }, (_, i) => String(i)),
      prefixed: Array.from({ length: 10_000 }, (_, i) => `user-${i}`),
    };
    for (const [name, keys] of Object.entries(families)) {
      for (const lanes of [2, 3, 4, 5, 7, 10]) {
        const { chi2, counts } = chiSquare(keys, lanes);
        // 99.9% quantile of chi-square with 9 degrees of freedom is 27.9; this bound is loose on purpose (a
        // hash that drops a lane or favours one gives thousands).
        assert.ok(
          chi2 < 40,
          `${name} keys over ${lanes} lanes: chi2 ${chi2.toFixed(1)}, counts ${counts.join(',')}`,
        );
      }
    }
  });

  describe('gatherWaitMs', () => {
    const m = { windowMs: 500, batchSize: 10 };

    it('waits the rest of the window while the batch fills', () => {
      assert.equal(gatherWaitMs(lane({ queued: 3, since: 1000 }), 1000, m, false), 500);
      assert.equal(gatherWaitMs(lane({ queued: 3, since: 1000 }), 1200, m, false), 300);
      assert.equal(gatherWaitMs(lane({ queued: 9, since: 1000 }), 1499, m, false), 1);
    });

    it('cuts at once when the window is over (never a negative wait)', () => {
      assert.equal(gatherWaitMs(lane({ queued: 3, since: 1000 }), 1500, m, false), 0);
      assert.equal(gatherWaitMs(lane({ queued: 3, since: 1000 }), 9000, m, false), 0);
    });

    it('cuts at once when there is no window', () => {
      assert.equal(
        gatherWaitMs(lane({ queued: 1, since: 1000 }), 1000, { windowMs: 0, batchSize: 10 }, false),
        0,
      );
    });

    it('cuts at once when the batch is full', () => {
      assert.equal(gatherWaitMs(lane({ queued: 10, since: 1000 }), 1000, m, false), 0);
      assert.equal(gatherWaitMs(lane({ queued: 25, since: 1000 }), 1000, m, false), 0);
    });

    it('cuts at once when no more records can come (closed shard read to its end)', () => {
      assert.equal(gatherWaitMs(lane({ queued: 3, since: 1000 }), 1000, m, true), 0);
    });
  });
});
