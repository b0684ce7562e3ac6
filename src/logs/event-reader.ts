import type { LogStore, StreamState } from './log-store.js';

/** One stored event and its place in its stream. */
export interface ReadEvent {
  index: number;
  timestamp: number;
  ingestionTime: number;
  message: string;
}

const BATCH = 64;

/**
 * The stream's events from index `from` on, in order (those removed by retention skipped). With `minTimestamp`,
 * blocks whose events are all older are passed over whole (FilterLogEvents from a start time, `tail --follow`).
 */
export function* eventsFrom(
  store: LogStore,
  s: StreamState,
  from: number,
  minTimestamp = -Infinity,
): Generator<ReadEvent> {
  let at = Math.max(from, s.firstIndex);
  for (;;) {
    const blocks = store.blocksFrom(s, at, BATCH);
    if (blocks.length === 0) return;
    for (const { seq, block } of blocks) {
      if (block.max < minTimestamp) {
        at = Math.max(at, seq + block.e.length);
        continue;
      }
      for (let i = Math.max(at, seq) - seq; i < block.e.length; i++) {
        const [timestamp, ingestionTime, message] = block.e[i]!;
        yield { index: seq + i, timestamp, ingestionTime, message };
      }
      // Past the block (a block removed by retention leaves a gap that floor() lands before).
      at = Math.max(at, seq + block.e.length);
    }
    if (at >= s.committed) return;
  }
}

/** The stream's events before index `before`, newest first. */
export function* eventsBefore(store: LogStore, s: StreamState, before: number): Generator<ReadEvent> {
  let end = Math.min(before, s.committed);
  while (end > s.firstIndex) {
    const b = store.blockBefore(s, end - 1);
    if (!b) return;
    for (let i = Math.min(end, b.seq + b.block.e.length) - 1 - b.seq; i >= 0; i--) {
      if (b.seq + i < s.firstIndex) return;
      const [timestamp, ingestionTime, message] = b.block.e[i]!;
      yield { index: b.seq + i, timestamp, ingestionTime, message };
    }
    end = b.seq;
  }
}
