import type { StreamMeta } from './model.js';
import { parentsOf } from './reshard.js';

/**
 * ChildShards of a closed shard, as GetRecords and SubscribeToShard report them at its end. ParentShards
 * lists every parent, so a reader knows which other shards must be finished before the child.
 */
export function childShards(meta: StreamMeta, shardId: string): Array<Record<string, unknown>> {
  return meta.shards
    .filter((s) => parentsOf(s).includes(shardId))
    .map((s) => ({
      ShardId: s.shardId,
      ParentShards: parentsOf(s),
      HashKeyRange: { StartingHashKey: s.startingHashKey, EndingHashKey: s.endingHashKey },
    }));
}
