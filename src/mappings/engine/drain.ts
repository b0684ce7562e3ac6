import type { Checkpoint } from './checkpoints.js';
import type { StreamView } from './shard-reader.js';

/**
 * What "everything written so far" is for `tributary wait` and GET /_tributary/mappings/UUID/drained: the stream
 * generation and, per shard, the position after its last durable record at the time of the request. Records
 * written later are not waited for, so a busy stream still drains.
 */
export interface DrainTarget {
  generation: number;
  /** Shard id -> the first position not yet written when the target was taken. */
  tips: ReadonlyMap<string, number>;
  /** Shard id -> its oldest readable position then (records before it expired: nothing to process). */
  firsts: ReadonlyMap<string, number>;
}

export function drainTarget(view: StreamView): DrainTarget {
  const tips = new Map<string, number>();
  const firsts = new Map<string, number>();
  for (const s of view.shards()) {
    const b = view.bounds(s.shardId);
    if (!b || b.last < b.first) continue;
    tips.set(s.shardId, b.last + 1);
    firsts.set(s.shardId, b.first);
  }
  return { generation: view.generation, tips, firsts };
}

/**
 * Records of the target not processed yet: per shard, from the mapping's checkpoint (every record before it is
 * done: invoked successfully, filtered out, or discarded to the on-failure destination) to the target's tip.
 * `checkpoint` is undefined when the mapping is not running on the target's generation: then every record counts.
 */
export function recordsBefore(
  target: DrainTarget,
  checkpoint: ((shardId: string) => Checkpoint | undefined) | undefined,
): number {
  let behind = 0;
  for (const [shardId, tip] of target.tips) {
    const first = target.firsts.get(shardId) ?? 0;
    const cp = checkpoint?.(shardId);
    if (cp?.finished) continue;
    behind += Math.max(0, tip - Math.max(cp?.position ?? first, first));
  }
  return behind;
}
