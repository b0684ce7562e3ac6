import { evenRanges, MAX_HASH_KEY } from './hash-keys.js';
import type { ShardMeta } from './model.js';

// The geometry of a stream's shards: which shards CreateStream, SplitShard, MergeShards and UpdateShardCount
// make. Pure (no store, no clock, no errors): the stream registry checks AWS's rules and limits, asks this
// module for the children and applies them.

export function shardIdOf(index: number): string {
  return `shardId-${String(index).padStart(12, '0')}`;
}

/** The largest shard index AWS reads from a shard id (a Java int). */
const MAX_SHARD_INDEX = 2147483647;

/**
 * A shard id as AWS reads it in a request: digits, alone or after a hyphen (`shardId-1`, `shard-1`, `x-00001`,
 * `1`), name the shard of that index (`shardId-000000000001`); anything else (`ABKLFD8`, `2.14E4`, an index
 * past 2147483647) names none: undefined. Recorded in kinesalite's GetShardIterator and MergeShards tests.
 */
export function parseShardId(given: string): string | undefined {
  const digits = /^(?:.*-)?(\d+)$/.exec(given)?.[1];
  if (digits === undefined) return undefined;
  const index = Number(digits);
  return index <= MAX_SHARD_INDEX ? shardIdOf(index) : undefined;
}

/** All parents of a shard: the ids AWS reports plus any extra overlap from UpdateShardCount. */
export function parentsOf(meta: ShardMeta): string[] {
  if (meta.parents) return meta.parents;
  return [meta.parentShardId, meta.adjacentParentShardId].filter((x): x is string => x !== undefined);
}

/** The index the next child gets: shard indexes are never reused inside a stream. */
export function nextShardIndex(shards: Iterable<ShardMeta>): number {
  let max = -1;
  for (const s of shards) max = Math.max(max, s.index);
  return max + 1;
}

/** CreateStream's shards: `count` even ranges of the hash key space, indexes from 0. */
export function initialShards(count: number, createdAt: number): ShardMeta[] {
  return evenRanges(count).map(([s, e], index) => ({
    index,
    shardId: shardIdOf(index),
    startingHashKey: s.toString(),
    endingHashKey: e.toString(),
    startPosition: 0,
    createdAt,
  }));
}

/** SplitShard's rule for NewStartingHashKey, in AWS's own wording: start + 1 < key < end. */
export function isValidSplitKey(parent: ShardMeta, key: bigint): boolean {
  return key > BigInt(parent.startingHashKey) + 1n && key < BigInt(parent.endingHashKey);
}

/** SplitShard: children take [start, key-1] and [key, end] of the parent. `key` must be valid (isValidSplitKey). */
export function splitChildren(parent: ShardMeta, key: bigint, firstIndex: number, now: number): ShardMeta[] {
  return [
    {
      index: firstIndex,
      shardId: shardIdOf(firstIndex),
      startingHashKey: parent.startingHashKey,
      endingHashKey: (key - 1n).toString(),
      parentShardId: parent.shardId,
      startPosition: 0,
      createdAt: now,
    },
    {
      index: firstIndex + 1,
      shardId: shardIdOf(firstIndex + 1),
      startingHashKey: key.toString(),
      endingHashKey: parent.endingHashKey,
      parentShardId: parent.shardId,
      startPosition: 0,
      createdAt: now,
    },
  ];
}

/** MergeShards' rule: two different shards whose hash key ranges touch. */
export function areAdjacent(a: ShardMeta, b: ShardMeta): boolean {
  if (a.shardId === b.shardId) return false;
  const [lo, hi] = BigInt(a.startingHashKey) < BigInt(b.startingHashKey) ? [a, b] : [b, a];
  return BigInt(lo.endingHashKey) + 1n === BigInt(hi.startingHashKey);
}

/**
 * MergeShards: the child covers the union of two adjacent shards (areAdjacent); ParentShardId is the shard
 * to merge, AdjacentParentShardId the other.
 */
export function mergeChild(shard: ShardMeta, adjacent: ShardMeta, index: number, now: number): ShardMeta {
  const [lo, hi] =
    BigInt(shard.startingHashKey) < BigInt(adjacent.startingHashKey) ? [shard, adjacent] : [adjacent, shard];
  return {
    index,
    shardId: shardIdOf(index),
    startingHashKey: lo.startingHashKey,
    endingHashKey: hi.endingHashKey,
    parentShardId: shard.shardId,
    adjacentParentShardId: adjacent.shardId,
    startPosition: 0,
    createdAt: now,
  };
}

/**
 * UpdateShardCount (UNIFORM_SCALING): `target` evenly sized children replacing every open shard. AWS gets
 * there through splits and merges (with short-lived intermediate shards); we go in one step, so a child can
 * overlap more than two parents: `parents` lists them all (ChildShards reports them), while
 * ParentShardId/AdjacentParentShardId carry the first two.
 */
export function uniformChildren(
  open: ReadonlyArray<ShardMeta>,
  target: number,
  firstIndex: number,
  now: number,
): ShardMeta[] {
  const ranges = open.map((p) => ({
    id: p.shardId,
    start: BigInt(p.startingHashKey),
    end: BigInt(p.endingHashKey),
  }));
  return evenRanges(target, 0n, MAX_HASH_KEY).map(([st, en], k) => {
    const overlapping = ranges.filter((p) => p.start <= en && p.end >= st).map((p) => p.id);
    return {
      index: firstIndex + k,
      shardId: shardIdOf(firstIndex + k),
      startingHashKey: st.toString(),
      endingHashKey: en.toString(),
      parentShardId: overlapping[0],
      adjacentParentShardId: overlapping[1],
      parents: overlapping,
      startPosition: 0,
      createdAt: now,
    };
  });
}
