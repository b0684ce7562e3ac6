import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { BatchOutcome } from '../../src/mappings/engine/batch-outcome.js';
import { backoffMs, decide, type RetryConfig } from '../../src/mappings/engine/retry-policy.js';

const success: BatchOutcome = { kind: 'success' };
/** The function threw (or the partial batch response named the first record / was malformed). */
const whole: BatchOutcome = { kind: 'failure', failedFrom: 0, functionError: 'Unhandled' };
/** ReportBatchItemFailures named the record at `index` as the lowest failure. */
const from = (index: number): BatchOutcome => ({ kind: 'failure', failedFrom: index, functionError: null });

const config = (o: Partial<RetryConfig> = {}): RetryConfig => ({
  maxRetries: 3,
  bisect: false,
  baseMs: 100,
  maxMs: 1000,
  ...o,
});

/** Plays one batch's invokes against decide() until it is done or discarded (no bisection). */
function invokesUntilSettled(
  outcome: BatchOutcome,
  c: RetryConfig,
  limit = 100,
): { invokes: number; last: string } {
  for (let failures = 0; failures < limit; failures++) {
    const d = decide(outcome, 10, failures, c);
    if (d.kind !== 'retry') return { invokes: failures + 1, last: d.kind };
  }
  return { invokes: limit, last: 'retry' };
}

describe('engine: retry policy', () => {
  it('a successful invoke is done, whatever came before', () => {
    assert.deepEqual(decide(success, 10, 0, config()), { kind: 'done' });
    assert.deepEqual(decide(success, 10, 99, config({ maxRetries: 0, bisect: true })), { kind: 'done' });
    assert.deepEqual(decide(success, 1, 5, config({ maxRetries: -1 })), { kind: 'done' });
  });

  it('a function error retries the whole batch after the base backoff', () => {
    assert.deepEqual(decide(whole, 10, 0, config()), { kind: 'retry', succeeded: 0, delayMs: 100 });
  });

  it('a partial batch response marks the records before the lowest failure done and retries the rest', () => {
    assert.deepEqual(decide(from(4), 10, 0, config()), { kind: 'retry', succeeded: 4, delayMs: 100 });
    // The last record alone failed.
    assert.deepEqual(decide(from(9), 10, 1, config()), { kind: 'retry', succeeded: 9, delayMs: 200 });
  });

  it('with bisect on, a partial batch response splits at the reported item, not in half', () => {
    // aws-semantics.md: "With bisect on, split at the reported item": the head is done, the rest retried.
    assert.deepEqual(decide(from(3), 10, 0, config({ bisect: true })), {
      kind: 'retry',
      succeeded: 3,
      delayMs: 100,
    });
  });

  it('bisects only when nothing succeeded and the batch has two or more records', () => {
    const bisect = config({ bisect: true });
    assert.deepEqual(decide(whole, 10, 0, bisect), { kind: 'bisect' });
    assert.deepEqual(decide(whole, 2, 0, bisect), { kind: 'bisect' });
    // A partial response that names the first record fails the whole batch: bisect too.
    assert.deepEqual(decide(from(0), 5, 0, bisect), { kind: 'bisect' });
    // One record cannot be split: it is retried like any batch.
    assert.deepEqual(decide(whole, 1, 0, bisect), { kind: 'retry', succeeded: 0, delayMs: 100 });
    // Bisect off: never.
    assert.deepEqual(decide(whole, 10, 0, config({ bisect: false })), {
      kind: 'retry',
      succeeded: 0,
      delayMs: 100,
    });
  });

  it('splits do not use up retries: a failing batch is bisected even when its retries are exhausted', () => {
    const c = config({ bisect: true, maxRetries: 0 });
    assert.deepEqual(decide(whole, 4, 0, c), { kind: 'bisect' });
    assert.deepEqual(decide(whole, 4, 7, c), { kind: 'bisect' });
    // Down to one record, MaximumRetryAttempts applies: 0 retries -> discarded after its first failure.
    assert.deepEqual(decide(whole, 1, 0, c), { kind: 'discard', succeeded: 0 });
  });

  it('discards exactly when failures + 1 > MaximumRetryAttempts: MaximumRetryAttempts N means N + 1 invokes', () => {
    for (const maxRetries of [0, 1, 2, 3, 10]) {
      const c = config({ maxRetries });
      for (let failures = 0; failures <= maxRetries + 2; failures++) {
        const d = decide(whole, 10, failures, c);
        assert.equal(
          d.kind,
          failures + 1 > maxRetries ? 'discard' : 'retry',
          `maxRetries ${maxRetries}, failures before ${failures}`,
        );
      }
      assert.deepEqual(invokesUntilSettled(whole, c), { invokes: maxRetries + 1, last: 'discard' });
    }
  });

  it('a discard keeps the records a partial batch response reported as processed', () => {
    assert.deepEqual(decide(from(6), 10, 3, config({ maxRetries: 3 })), { kind: 'discard', succeeded: 6 });
  });

  it('MaximumRetryAttempts -1 never discards (the records expire by age instead)', () => {
    const c = config({ maxRetries: -1 });
    for (const failures of [0, 1, 10, 1000, 1e6]) {
      const d = decide(whole, 10, failures, c);
      assert.equal(d.kind, 'retry', `failures ${failures}`);
    }
    assert.deepEqual(decide(from(2), 10, 1e6, c), { kind: 'retry', succeeded: 2, delayMs: 1000 });
    assert.deepEqual(invokesUntilSettled(whole, c, 500), { invokes: 500, last: 'retry' });
  });

  it('backs off base * 2^(n-1) before the n-th retry, capped at the maximum', () => {
    const c = config({ maxRetries: -1, baseMs: 100, maxMs: 1000 });
    const delays = [0, 1, 2, 3, 4, 5, 30].map((failures) => {
      const d = decide(whole, 10, failures, c);
      assert.equal(d.kind, 'retry');
      return d.kind === 'retry' ? d.delayMs : -1;
    });
    assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000, 1000]);
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((a) => backoffMs(a, 50, 10_000)),
      [50, 100, 200, 400, 800, 1600],
    );
    assert.equal(backoffMs(1, 50, 30), 30, 'the cap applies even to the first attempt');
    assert.equal(backoffMs(10_000, 1, 2 ** 40), 2 ** 20, 'the exponent is bounded: no Infinity');
    assert.equal(backoffMs(0, 50, 1000), 50, 'an attempt below 1 waits the base');
  });

  it('backoffMs is monotonic non-decreasing in the attempt and within [base, max] (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 5000 }),
        (base, extra, a1, a2) => {
          const max = base + extra;
          const [lo, hi] = a1 <= a2 ? [a1, a2] : [a2, a1];
          const x = backoffMs(lo, base, max);
          const y = backoffMs(hi, base, max);
          assert.ok(x <= y, `backoff(${lo})=${x} > backoff(${hi})=${y} (base ${base}, max ${max})`);
          for (const v of [x, y]) {
            assert.ok(Number.isFinite(v) && v >= base && v <= max, `${v} outside [${base}, ${max}]`);
          }
          // Consecutive attempts at most double.
          assert.ok(backoffMs(lo + 1, base, max) <= 2 * x);
        },
      ),
      { numRuns: 1000, seed: 14 },
    );
  });
});
