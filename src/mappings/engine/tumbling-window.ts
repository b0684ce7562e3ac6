import type { InvokeResult } from '../../lambda/invoker.js';
import { judgeItemFailures, type BatchOutcome } from './batch-outcome.js';
import { payloadBytes, writeRecords, type EncodedRecord, type EventContext } from './event-builder.js';

/** State returned by the function is capped at 1 MB per shard; larger ends the window early (AWS). */
export const MAX_WINDOW_STATE_BYTES = 1024 * 1024;

/** One open tumbling window of a lane (doc: "Time windows"). */
export interface OpenWindow {
  /** Epoch ms, aligned on the window length. */
  start: number;
  end: number;
  /** What the function returned last in this window (`{}` at first). */
  state: unknown;
  /** Records processed in the window: done (checkpointed) only when the final invoke succeeds. */
  processed: EncodedRecord[];
  terminatedEarly: boolean;
}

/** Windows are aligned on record arrival time. */
export function windowStartOf(arrivalMs: number, lengthMs: number): number {
  return Math.floor(arrivalMs / lengthMs) * lengthMs;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The tumbling-window event: the Kinesis event plus window, state, shardId and the final/early flags. */
export function windowPayload(
  records: ReadonlyArray<EncodedRecord>,
  w: OpenWindow,
  ctx: EventContext,
  isFinal: boolean,
): Buffer {
  const rest =
    `,"window":{"start":"${iso(w.start)}","end":"${iso(w.end)}"},"state":${JSON.stringify(w.state ?? {})},` +
    `"shardId":"${ctx.shardId}","eventSourceARN":${JSON.stringify(ctx.streamArn)},` +
    `"isFinalInvokeForWindow":${isFinal},"isWindowTerminatedEarly":${isFinal && w.terminatedEarly}}`;
  // payloadBytes counts the closing `}` that `rest` brings.
  const buf = Buffer.allocUnsafe(payloadBytes(records) - 1 + Buffer.byteLength(rest));
  const o = writeRecords(buf, 0, records, ctx);
  buf.write(rest, o, 'utf8');
  return buf;
}

/**
 * A window response is `{"state": {...}, "batchItemFailures": [...]}`; one without `state` is a
 * failure. Returns the outcome and the new state (when the response carried one).
 */
export function judgeWindowInvoke(
  result: InvokeResult,
  batch: ReadonlyArray<EncodedRecord>,
  reportItemFailures: boolean,
): { outcome: BatchOutcome; state?: unknown; stateBytes: number } {
  if (result.functionError)
    return {
      outcome: { kind: 'failure', failedFrom: 0, functionError: result.functionError },
      stateBytes: 0,
    };
  let body: unknown;
  try {
    body = JSON.parse(result.payload.toString('utf8'));
  } catch {
    body = undefined;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !('state' in body)) {
    return { outcome: { kind: 'failure', failedFrom: 0, functionError: null }, stateBytes: 0 };
  }
  const state = (body as { state: unknown }).state;
  const stateBytes = Buffer.byteLength(JSON.stringify(state ?? {}));
  const outcome: BatchOutcome =
    reportItemFailures && batch.length > 0 ? judgeItemFailures(result.payload, batch) : { kind: 'success' };
  return { outcome, state, stateBytes };
}
