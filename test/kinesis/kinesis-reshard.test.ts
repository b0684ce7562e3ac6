import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { MAX_HASH_KEY } from '../../src/kinesis/hash-keys.js';
import type { ShardMeta } from '../../src/kinesis/model.js';
import {
  areAdjacent,
  initialShards,
  isValidSplitKey,
  mergeChild,
  nextShardIndex,
  parentsOf,
  shardIdOf,
  splitChildren,
  uniformChildren,
} from '../../src/kinesis/reshard.js';

const range = (s: ShardMeta): [bigint, bigint] => [BigInt(s.startingHashKey), BigInt(s.endingHashKey)];

/** The shards cover [0, 2^128 - 1] without gap or overlap, in order. */
function assertPartition(shards: ReadonlyArray<ShardMeta>): void {
  const sorted = [...shards].sort((a, b) => (range(a)[0] < range(b)[0] ? -1 : 1));
  let next = 0n;
  for (const s of sorted) {
    const [start, end] = range(s);
    assert.equal(start, next, `${s.shardId} starts where the previous one ended`);
    assert.ok(end >= start, `${s.shardId} is not empty`);
    next = end + 1n;
  }
  assert.equal(next, MAX_HASH_KEY + 1n, 'the last shard ends at the top of the key space');
}

describe('reshard geometry (pure)', () => {
  it('CreateStream: even ranges over the whole key space, indexes and ids from 0', () => {
    for (const n of [1, 2, 3, 7, 500]) {
      const shards = initialShards(n, 1234);
      assert.equal(shards.length, n);
      assertPartition(shards);
      shards.forEach((s, i) => {
        assert.equal(s.index, i);
        assert.equal(s.shardId, shardIdOf(i));
        assert.equal(s.createdAt, 1234);
        assert.equal(s.startPosition, 0);
        assert.deepEqual(parentsOf(s), []);
      });
    }
    assert.equal(shardIdOf(12), 'shardId-000000000012');
    assert.equal(nextShardIndex(initialShards(3, 0)), 3);
    assert.equal(nextShardIndex([]), 0);
  });

  it("SplitShard: the key must lie strictly inside (start + 1, end), AWS's rule", () => {
    const [p] = initialShards(1, 0);
    assert.equal(isValidSplitKey(p!, 0n), false);
    assert.equal(isValidSplitKey(p!, 1n), false, 'start + 1 is not enough');
    assert.equal(isValidSplitKey(p!, 2n), true);
    assert.equal(isValidSplitKey(p!, MAX_HASH_KEY - 1n), true);
    assert.equal(isValidSplitKey(p!, MAX_HASH_KEY), false, 'the end itself is not inside');
  });

  it('SplitShard: the children take [start, key - 1] and [key, end], both with the parent as ParentShardId', () => {
    const shards = initialShards(2, 0);
    const parent = shards[1]!;
    const key = BigInt(parent.startingHashKey) + 1000n;
    const children = splitChildren(parent, key, 2, 99);
    assert.deepEqual(
      children.map((c) => [c.index, c.shardId, c.parentShardId, c.createdAt, c.startPosition]),
      [
        [2, 'shardId-000000000002', parent.shardId, 99, 0],
        [3, 'shardId-000000000003', parent.shardId, 99, 0],
      ],
    );
    assert.deepEqual(range(children[0]!), [BigInt(parent.startingHashKey), key - 1n]);
    assert.deepEqual(range(children[1]!), [key, BigInt(parent.endingHashKey)]);
    assertPartition([shards[0]!, ...children]);
    assert.deepEqual(parentsOf(children[0]!), [parent.shardId]);
  });

  it('MergeShards: only two different shards whose ranges touch; the child is their union', () => {
    const [a, b, c] = initialShards(3, 0) as [ShardMeta, ShardMeta, ShardMeta];
    assert.equal(areAdjacent(a, b), true);
    assert.equal(areAdjacent(b, a), true, 'in either order');
    assert.equal(areAdjacent(a, c), false, 'not touching');
    assert.equal(areAdjacent(a, a), false, 'a shard with itself');
    // The shard to merge is ParentShardId whichever of the two has the lower range.
    const child = mergeChild(c, b, 3, 7);
    assert.equal(child.shardId, 'shardId-000000000003');
    assert.equal(child.parentShardId, c.shardId);
    assert.equal(child.adjacentParentShardId, b.shardId);
    assert.deepEqual(range(child), [range(b)[0], range(c)[1]]);
    assert.deepEqual(parentsOf(child), [c.shardId, b.shardId]);
    assertPartition([a, child]);
  });

  it('UpdateShardCount: the children split the key space evenly; each names every open shard it overlaps', () => {
    for (let open = 1; open <= 12; open++) {
      const parents = initialShards(open, 0);
      for (let target = Math.ceil(open / 2); target <= open * 2; target++) {
        const children = uniformChildren(parents, target, open, 5);
        assert.equal(children.length, target);
        assertPartition(children);
        children.forEach((c, k) => {
          assert.equal(c.index, open + k);
          const [st, en] = range(c);
          const overlapping = parents
            .filter((p) => range(p)[0] <= en && range(p)[1] >= st)
            .map((p) => p.shardId);
          assert.deepEqual(c.parents, overlapping, `${open} -> ${target}: child ${k}`);
          assert.deepEqual(parentsOf(c), overlapping);
          assert.equal(c.parentShardId, overlapping[0]);
          assert.equal(c.adjacentParentShardId, overlapping[1]);
        });
      }
    }
  });

  it('UpdateShardCount: doubling, halving and 3 -> 2 give the expected parents', () => {
    const ids = (shards: ReadonlyArray<ShardMeta>): Array<string[] | undefined> =>
      shards.map((c) => c.parents);
    const [a, b] = initialShards(2, 0).map((s) => s.shardId) as [string, string];
    assert.deepEqual(ids(uniformChildren(initialShards(2, 0), 4, 2, 0)), [[a], [a], [b], [b]]);
    const four = initialShards(4, 0).map((s) => s.shardId);
    assert.deepEqual(ids(uniformChildren(initialShards(4, 0), 2, 4, 0)), [four.slice(0, 2), four.slice(2)]);
    const three = initialShards(3, 0).map((s) => s.shardId);
    // A third of the key space does not line up with halves: the middle shard is a parent of both children.
    assert.deepEqual(ids(uniformChildren(initialShards(3, 0), 2, 3, 0)), [three.slice(0, 2), three.slice(1)]);
  });

  it('UpdateShardCount after a split: uneven parents are overlapped exactly', () => {
    const [s0, s1] = initialShards(2, 0) as [ShardMeta, ShardMeta];
    const split = splitChildren(s0, BigInt(s0.startingHashKey) + 10n, 2, 1);
    const open = [...split, s1];
    const children = uniformChildren(open, 2, 4, 2);
    assert.deepEqual(children[0]!.parents, [split[0]!.shardId, split[1]!.shardId]);
    assert.deepEqual(children[1]!.parents, [s1.shardId]);
  });
});
