import type { EncodedRecord } from './event-builder.js';
import { Signal } from './signal.js';
import type { OpenWindow } from './tumbling-window.js';

/**
 * One lane of a shard: ParallelizationFactor lanes process a shard's records with one batch in flight each
 * (doc: "Concurrent batches per shard"); records of one partition key always go to the same lane, so each
 * key stays in order.
 */
export interface Lane {
  queue: EncodedRecord[];
  signal: Signal;
  /** When the oldest queued record entered the lane (the batching window starts then). */
  since: number;
  /** The open tumbling window (TumblingWindowInSeconds > 0). */
  window: OpenWindow | undefined;
}

export function newLanes(count: number): Lane[] {
  return Array.from({ length: count }, () => ({
    queue: [],
    signal: new Signal(),
    since: 0,
    window: undefined,
  }));
}

/** FNV-1a: a cheap, stable hash so one partition key always lands in the same lane. */
export function laneOf(key: string, lanes: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % lanes;
}

/**
 * MaximumBatchingWindowInSeconds: how long a lane still waits to fill a batch (ms), or 0 when a batch is to be
 * cut now (the window is off or over, the batch is full, or no more records can come).
 */
export function gatherWaitMs(
  lane: Lane,
  now: number,
  m: { windowMs: number; batchSize: number },
  inputEnded: boolean,
): number {
  if (m.windowMs === 0 || lane.queue.length >= m.batchSize || inputEnded) return 0;
  return Math.max(0, lane.since + m.windowMs - now);
}
