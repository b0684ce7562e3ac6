import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  orderingCheck,
  parseSequenceNumber,
  SEQUENCE_DIGITS,
  ShardSequence,
} from '../../src/kinesis/sequence-numbers.js';

/** The 47 hex digits of a decimal sequence number. */
const hex = (seq: string): string => BigInt(seq).toString(16);
const fromHex = (h: string): string => BigInt(`0x${h}`).toString();

// Epoch ms from 2015 to 2100: creation and put times.
const time = fc.integer({ min: 1_420_070_400_000, max: 4_102_444_800_000 });
const position = fc.integer({ min: -1, max: 2 ** 40 - 2 });

describe('sequence numbers (AWS version 2 layout)', () => {
  it('lay the fields out as AWS does', () => {
    const created = 1_700_000_123_456;
    const s = new ShardSequence(0x1b, created + 5000, created);
    const h = hex(s.format(6, 1_700_000_200_999));
    const salt = created % 2 ** 23;
    assert.equal(h.length, 47);
    assert.equal(h[0], '2');
    assert.equal(
      h.slice(1, 10),
      Math.floor((created + 5000) / 1000)
        .toString(16)
        .padStart(9, '0'),
    );
    assert.equal(h[10], 'b', 'the low nibble of the shard index');
    assert.equal(h.slice(11, 27), ((BigInt(salt) << 40n) + 7n).toString(16).padStart(16, '0'));
    assert.equal(h.slice(27, 29), '00');
    assert.equal(h.slice(29, 38), (1_700_000_200).toString(16).padStart(9, '0'));
    assert.equal(h.slice(38, 46), '0000001b');
    assert.equal(h[46], '2');
    // The form kinesalite's PutRecord test checks on shard 0.
    assert.match(
      hex(new ShardSequence(0, created, created).format(0, created)),
      /^20[0-9a-f]{8}0[0-9a-f]{16}000[0-9a-f]{8}000000002$/,
    );
  });

  it('give consecutive shards of one stream starting numbers 2^144 + 16 apart (AWS CreateStream)', () => {
    const created = 1_700_000_000_777;
    const [a, b] = [0, 1].map((i) => BigInt(new ShardSequence(i, created, created).starting(0)));
    assert.equal((b! - a!).toString(), '22300745198530623141535718272648361505980432');
  });

  it("date a stream's initial shards a few seconds before CreateStream, and a child shard at its own creation", () => {
    const created = 1_700_000_000_500;
    const meta = {
      shardId: 'shardId-000000000000',
      startingHashKey: '0',
      endingHashKey: '1',
      startPosition: 0,
    };
    const initial = ShardSequence.of(created, { ...meta, index: 0, createdAt: created });
    assert.equal(initial.createSeconds, 1_699_999_996);
    const child = ShardSequence.of(created, {
      ...meta,
      index: 1,
      parentShardId: 'shardId-000000000000',
      startPosition: 7,
      createdAt: created + 60_000,
    });
    assert.equal(child.createSeconds, 1_700_000_060);
    assert.equal(child.salt, initial.salt);
    assert.deepEqual(child.locate(child.starting(7)), { kind: 'position', position: 6 });
    assert.equal(child.locate(initial.starting(0)).kind, 'other-shard');
  });

  it('round-trip: locate(format(p)) is p, at 56 digits, in any shard of any stream', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        time,
        time,
        position,
        time,
        (ix, sc, st, p, put) => {
          const s = new ShardSequence(ix, Math.max(sc, st), st);
          const seq = s.format(p, put);
          assert.equal(seq.length, SEQUENCE_DIGITS);
          assert.deepEqual(s.locate(seq), { kind: 'position', position: p });
        },
      ),
    );
  });

  it('order: within a shard numeric order = string order = position order, whatever the put times', () => {
    fc.assert(
      fc.property(time, position, position, time, time, (created, p, q, t1, t2) => {
        const s = new ShardSequence(4, created, created);
        // Put times never go backwards within a shard: the lower position gets the earlier one.
        const [early, late] = [Math.min(t1, t2), Math.max(t1, t2)];
        const x = s.format(p, p <= q ? early : late);
        const y = s.format(q, p < q ? late : early); // one position has one put time
        assert.equal(Math.sign(p - q), Math.sign(Number(BigInt(x) - BigInt(y))));
        assert.equal(Math.sign(p - q), x < y ? -1 : x > y ? 1 : 0);
      }),
    );
  });

  it("put the StartingSequenceNumber below the shard's first record, even one put in the same second", () => {
    fc.assert(
      fc.property(time, fc.integer({ min: 0, max: 1e9 }), (created, start) => {
        const s = new ShardSequence(2, created, created);
        const first = s.format(start, created);
        assert.ok(s.starting(start) < first);
        assert.deepEqual(s.locate(s.starting(start)), { kind: 'position', position: start - 1 });
      }),
    );
  });

  it("refuse a previous incarnation's numbers, even one created in the same second", () => {
    fc.assert(
      fc.property(time, fc.integer({ min: 1, max: 999 }), position, (created, later, p) => {
        const old = new ShardSequence(0, created, created);
        const now = new ShardSequence(0, created + later, created + later);
        const seq = old.format(p, created);
        assert.notEqual(now.format(p, created + later), seq);
        assert.equal(now.locate(seq).kind, 'other-stream');
      }),
    );
  });

  it('name another shard, and read old layouts as AWS does', () => {
    const s = new ShardSequence(0, 1_700_000_000_000, 1_700_000_000_000);
    assert.deepEqual(s.locate('5'), { kind: 'other-shard', shardIndex: 5 });
    assert.deepEqual(s.locate(new ShardSequence(3, 1, 1).format(1, 1)), {
      kind: 'other-shard',
      shardIndex: 3,
    });
    // Version 0 numbers are shown with their 2^124 bit set (kinesalite's GetShardIterator tests).
    assert.deepEqual(s.locate('0'), {
      kind: 'other-stream',
      shown: '21267647932558653966460912964485513216',
    });
    assert.deepEqual(s.locate(fromHex('f3bb2cc3d7ff7fffffffffffffff0000')), {
      kind: 'other-stream',
      shown: '26227199374821822965252748908982894592',
    });
    for (const h of ['13bb2cc3d80000000000000000000000', '20000000000800000000000000000000000000000000002']) {
      assert.equal(s.locate(fromHex(h)).kind, 'invalid', h);
    }
    assert.equal(s.locate(fromHex('20000000000000000000000000000000000000800000002')).kind, 'invalid');
    assert.equal(s.locate('9'.repeat(57)).kind, 'invalid');
    assert.equal(parseSequenceNumber('12x').kind, 'invalid');
  });

  it("check a SequenceNumberForOrdering as AWS's PutRecord does", () => {
    const now = 1_700_000_000_000;
    const secs = (now / 1000).toString(16);
    const cases: Array<[string, ReturnType<typeof orderingCheck>]> = [
      ['2ffffffffff7fffffffffffffff000000000007fffffff2', 'ok'],
      ['20000000000000000000000000000000000000000000002', 'ok'],
      ['20000000000000000000000000000000000000000000001', 'ok'],
      [`2ffffffffff7fffffff7fffffff000${(now / 1000 - 2).toString(16)}7fffffff2`, 'ok'],
      ['20000000000000000000000000000000000000000000003', 'internal-failure'],
      ['20000000000000000000000000000000000000000000000', 'invalid'],
      ['20000000000000000000000000000000000000000000004', 'invalid'],
      ['30000000000000000000000000000000000000000000001', 'invalid'],
      ['1ffffffffff7fffffffffffffff000000000007fffffff2', 'invalid'],
      ['20000000000800000000000000000000000000000000002', 'invalid'],
      ['20000000000000000000000000000000000000800000002', 'invalid'],
      [`200000000000000000000000000000${(now / 1000 + 2).toString(16)}000000002`, 'invalid'],
      ['13bb2cc3d80000000000000000000000', 'invalid'],
    ];
    assert.equal(secs.length, 8);
    for (const [h, want] of cases) assert.equal(orderingCheck(fromHex(h), now), want, h);
    assert.equal(orderingCheck('0', now), 'invalid');
    assert.equal(orderingCheck('49', now), 'invalid');
  });
});
