import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CheckpointFrontier } from '../../src/mappings/engine/frontier.js';
import { prng } from '../harness/prng.js';

/**
 * The obvious reference: the positions handed out and not done, kept sorted; the checkpoint is the lowest
 * of them, or the read position when nothing is in flight.
 */
class Model {
  readonly undone: number[] = [];
  readPosition: number;
  lastTracked: number | undefined;

  constructor(start: number) {
    this.readPosition = start;
  }

  read(next: number): void {
    this.readPosition = Math.max(this.readPosition, next);
  }

  track(p: number): void {
    this.undone.push(p); // ascending by contract
    this.lastTracked = p;
    this.readPosition = Math.max(this.readPosition, p + 1);
  }

  done(p: number): void {
    let lo = 0;
    let hi = this.undone.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.undone[mid]! < p) lo = mid + 1;
      else hi = mid;
    }
    if (this.undone[lo] === p) this.undone.splice(lo, 1);
  }

  get position(): number {
    return this.undone[0] ?? this.readPosition;
  }

  get pending(): number {
    return this.undone.length;
  }
}

function agree(f: CheckpointFrontier, m: Model, step: string): void {
  assert.equal(f.position, m.position, `position after ${step}`);
  assert.equal(f.pending, m.pending, `pending after ${step}`);
  assert.equal(f.readPosition, m.readPosition, `readPosition after ${step}`);
}

describe('engine: checkpoint frontier', () => {
  it('starts at its start position with nothing pending', () => {
    const f = new CheckpointFrontier(42);
    assert.equal(f.position, 42);
    assert.equal(f.readPosition, 42);
    assert.equal(f.pending, 0);
  });

  it('never moves past an undone record when lanes finish out of order', () => {
    const f = new CheckpointFrontier(0);
    // Two lanes: lane A holds 0, 2, 4; lane B holds 1, 3, 5.
    for (let p = 0; p <= 5; p++) f.track(p);
    assert.equal(f.position, 0);
    assert.equal(f.pending, 6);
    // Lane B finishes its whole batch first: record 0 is still in flight, so the checkpoint stays.
    f.done(1);
    f.done(3);
    f.done(5);
    assert.equal(f.position, 0);
    assert.equal(f.pending, 3);
    // Lane A finishes 0: the checkpoint moves over 0 and the done 1, stops at the undone 2.
    f.done(0);
    assert.equal(f.position, 2);
    assert.equal(f.pending, 2);
    f.done(4);
    assert.equal(f.position, 2, 'done 4 must not move the checkpoint over the undone 2');
    f.done(2);
    // Everything done: the checkpoint is after the last record read.
    assert.equal(f.position, 6);
    assert.equal(f.pending, 0);
  });

  it('moves over records that were read but filtered out (never tracked)', () => {
    const f = new CheckpointFrontier(10);
    // Records 10..19 read; only 12 and 15 passed the filter.
    f.track(12);
    f.track(15);
    f.read(20);
    assert.equal(f.position, 12, 'the first tracked record holds the checkpoint');
    f.done(12);
    assert.equal(f.position, 15);
    f.done(15);
    assert.equal(f.position, 20, 'the filtered-out tail 16..19 needs no processing');
    assert.equal(f.readPosition, 20);
    // A read of nothing but filtered-out records advances the checkpoint on its own.
    f.read(30);
    assert.equal(f.position, 30);
    assert.equal(f.pending, 0);
  });

  it('never moves the read position back', () => {
    const f = new CheckpointFrontier(5);
    f.read(9);
    f.read(7);
    assert.equal(f.readPosition, 9);
    assert.equal(f.position, 9);
    f.track(20);
    assert.equal(f.readPosition, 21, 'tracking a record reads it');
    f.read(15);
    assert.equal(f.readPosition, 21);
  });

  it('rejects a position that does not ascend, and stays as it was', () => {
    const f = new CheckpointFrontier(0);
    f.track(3);
    f.track(7);
    assert.throws(() => f.track(7), RangeError);
    assert.throws(() => f.track(5), RangeError);
    assert.throws(() => f.track(-1), RangeError);
    assert.equal(f.pending, 2);
    assert.equal(f.position, 3);
    // Done records still count for the order: with 3 done and out of the way, 2 still comes after 7.
    f.done(3);
    assert.throws(() => f.track(2), RangeError);
    f.track(8);
    assert.equal(f.pending, 2);
    assert.equal(f.position, 7);
  });

  it('counts pending records as tracked minus done, whatever the order', () => {
    const f = new CheckpointFrontier(0);
    for (const p of [0, 1, 2, 3, 4]) f.track(p);
    f.done(4);
    assert.equal(f.pending, 4);
    f.done(2);
    assert.equal(f.pending, 3);
    f.done(2); // the same record reported twice while it is still ahead of the checkpoint
    assert.equal(f.pending, 3);
    f.done(0);
    assert.equal(f.pending, 2);
    assert.equal(f.position, 1);
    f.done(1);
    f.done(3);
    assert.equal(f.pending, 0);
    assert.equal(f.position, 5);
  });

  it('keeps its results right across compaction (more than 4096 records done)', () => {
    const f = new CheckpointFrontier(0);
    const m = new Model(0);
    const n = 12_000;
    // Every third position is filtered out (not tracked).
    const tracked: number[] = [];
    for (let p = 0; tracked.length < n; p++) if (p % 3 !== 2) tracked.push(p);
    for (const p of tracked) {
      f.track(p);
      m.track(p);
    }
    agree(f, m, 'tracking');
    // Finish a late stretch first, so that compaction happens with done records still waiting in the set.
    for (const p of tracked.slice(6000, 7000)) {
      f.done(p);
      m.done(p);
    }
    agree(f, m, 'late stretch');
    // Then the head, in order, well past 4096 (compaction runs once head > 4096 and > half the array).
    for (const [i, p] of tracked.slice(0, 6000).entries()) {
      f.done(p);
      m.done(p);
      if (i % 97 === 0) agree(f, m, `done ${p}`);
    }
    agree(f, m, 'head done');
    assert.equal(f.position, tracked[7000], 'the checkpoint jumps over the stretch done earlier');
    // Keep going after compaction: more tracks, done out of order, checked at every step.
    let next = tracked[n - 1]! + 1;
    const rnd = prng(14);
    const open = tracked.slice(7000);
    for (let i = 0; i < 20_000; i++) {
      if (rnd() < 0.45) {
        const p = next;
        next += 1 + Math.floor(rnd() * 3);
        f.track(p);
        m.track(p);
        open.push(p);
      } else if (open.length > 0) {
        // Mostly near the head, sometimes anywhere.
        const k =
          rnd() < 0.8 ? Math.floor(rnd() * Math.min(8, open.length)) : Math.floor(rnd() * open.length);
        const [p] = open.splice(k, 1);
        f.done(p!);
        m.done(p!);
      } else {
        next += 2;
        f.read(next);
        m.read(next);
      }
      agree(f, m, `step ${i}`);
    }
    for (const p of open) {
      f.done(p);
      m.done(p);
    }
    agree(f, m, 'all done');
    assert.equal(f.pending, 0);
    assert.equal(f.position, f.readPosition);
  });

  type Op = { t: 'track'; gap: number } | { t: 'done'; pick: number } | { t: 'read'; delta: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ t: fc.constant('track' as const), gap: fc.nat({ max: 3 }) }) },
    { weight: 4, arbitrary: fc.record({ t: fc.constant('done' as const), pick: fc.nat() }) },
    {
      weight: 1,
      arbitrary: fc.record({ t: fc.constant('read' as const), delta: fc.integer({ min: -3, max: 6 }) }),
    },
  );

  function run(start: number, ops: ReadonlyArray<Op>): void {
    const f = new CheckpointFrontier(start);
    const m = new Model(start);
    const open: number[] = [];
    for (const [i, o] of ops.entries()) {
      if (o.t === 'track') {
        // Ascending, with gaps for filtered-out records; after a read ahead the next record may even be
        // below the read position (the model says where the checkpoint must then be).
        const p = (m.lastTracked ?? start - 1) + 1 + o.gap;
        f.track(p);
        m.track(p);
        open.push(p);
      } else if (o.t === 'done') {
        if (open.length === 0) continue;
        const [p] = open.splice(o.pick % open.length, 1);
        f.done(p!);
        m.done(p!);
      } else {
        const next = m.readPosition + o.delta;
        f.read(next);
        m.read(next);
      }
      agree(f, m, `op ${i} ${JSON.stringify(o)}`);
    }
  }

  it('agrees with the reference model for random interleavings of track, done and read (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.array(op, { maxLength: 300, size: 'max' }),
        (start, ops) => run(start, ops),
      ),
      { numRuns: 500, seed: 14 },
    );
  });

  it('agrees with the reference model across compaction (property, long runs)', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 4100, max: 9000 }), (seed, n) => {
        // Track n records, then finish them in a random order mostly near the head, checking every step.
        const rnd = prng(seed);
        const ops: Op[] = [];
        for (let i = 0; i < n; i++) ops.push({ t: 'track', gap: rnd() < 0.2 ? 1 : 0 });
        for (let i = 0; i < n + 200; i++) {
          if (rnd() < 0.05) ops.push({ t: 'track', gap: 0 });
          ops.push({ t: 'done', pick: rnd() < 0.9 ? Math.floor(rnd() * 4) : Math.floor(rnd() * n) });
        }
        run(0, ops);
      }),
      { numRuns: 8, seed: 14 },
    );
  });
});
