import type { MappingsContext } from '../mappings-context.js';
import type { MappingMeta } from '../model.js';
import { Checkpoints } from './checkpoints.js';

/**
 * Fixes where a new mapping starts in each existing shard. TRIM_HORIZON needs nothing (a shard
 * without a checkpoint starts at its oldest record); LATEST starts after the current tip and skips
 * closed shards; AT_TIMESTAMP starts at the first record at or after the timestamp.
 */
export async function initialCheckpoints(
  c: MappingsContext,
  m: MappingMeta,
  streamName: string,
): Promise<void> {
  if (m.StartingPosition === 'TRIM_HORIZON') return;
  const cps = new Checkpoints(c.app.store, m.UUID);
  const meta = c.streams.get(streamName);
  const writes: Array<Promise<void>> = [];
  for (const s of meta.shards) {
    const b = c.streams.bounds(streamName, s.shardId);
    const position =
      m.StartingPosition === 'LATEST'
        ? b.last + 1
        : c.streams.positionAtTimestamp(streamName, s.shardId, (m.StartingPositionTimestamp ?? 0) * 1000);
    const finished = s.endPosition !== undefined && position > s.endPosition;
    writes.push(cps.set(s.shardId, finished ? { position, finished: true } : { position }));
  }
  await Promise.all(writes);
}
