import type { StartingPosition } from '../model.js';
import type { Checkpoints } from './checkpoints.js';
import type { StreamView } from './shard-reader.js';

/**
 * Fixes where a mapping starts in each shard of a stream generation it has never read (doc:
 * StartingPosition). TRIM_HORIZON needs nothing (a shard without a checkpoint starts at its oldest record);
 * LATEST starts after each shard's current tip; AT_TIMESTAMP at the first record at or after the timestamp.
 * A closed shard entirely before the start is finished at once.
 */
export async function initialCheckpoints(
  view: StreamView,
  cps: Checkpoints,
  start: StartingPosition,
  timestampMs: number | undefined,
): Promise<void> {
  if (start === 'TRIM_HORIZON') return;
  const writes: Array<Promise<void>> = [];
  for (const s of view.shards()) {
    const b = view.bounds(s.shardId);
    if (!b) continue;
    const position = start === 'LATEST' ? b.last + 1 : view.positionAtTimestamp(s.shardId, timestampMs ?? 0);
    const finished = s.endPosition !== undefined && position > s.endPosition;
    writes.push(cps.set(s.shardId, finished ? { position, finished: true } : { position }));
  }
  await Promise.all(writes);
}
