import type { InvokeResult } from '../../lambda/invoker.js';
import type { EncodedRecord } from './event-builder.js';

/**
 * How a completed invoke is judged. With ReportBatchItemFailures (doc: "Implementing partial batch
 * responses"), a response naming items makes the batch fail from the lowest named sequence number.
 */
export type BatchOutcome =
  | { kind: 'success' }
  /** Every record from `failedFrom` (an index into the batch) on failed; 0 = the whole batch. */
  | { kind: 'failure'; failedFrom: number; functionError: string | null };

/** Judges an invoke result. */
export function judgeInvoke(
  result: InvokeResult,
  batch: ReadonlyArray<EncodedRecord>,
  reportItemFailures: boolean,
): BatchOutcome {
  if (result.functionError) return { kind: 'failure', failedFrom: 0, functionError: result.functionError };
  if (!reportItemFailures) return { kind: 'success' };
  return judgeItemFailures(result.payload, batch);
}

/**
 * Success: empty/null response, `{}`, `[]`, `""`, `{"batchItemFailures": []}` or `null`.
 * Whole-batch failure: an itemIdentifier that is empty, null, not a string or not in the batch, or a
 * malformed entry. Otherwise the batch fails from the lowest reported sequence number.
 */
export function judgeItemFailures(payload: Buffer, batch: ReadonlyArray<EncodedRecord>): BatchOutcome {
  const whole: BatchOutcome = { kind: 'failure', failedFrom: 0, functionError: null };
  const text = payload.toString('utf8').trim();
  if (text === '') return { kind: 'success' };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // Not an EventResponse at all: AWS ignores bodies it cannot read as one.
    return { kind: 'success' };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { kind: 'success' };
  const failures = (body as Record<string, unknown>)['batchItemFailures'];
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return whole;
  if (failures.length === 0) return { kind: 'success' };
  let lowest = Infinity;
  for (const f of failures) {
    if (f === null || typeof f !== 'object' || Array.isArray(f)) return whole;
    const id = (f as Record<string, unknown>)['itemIdentifier'];
    if (typeof id !== 'string' || id === '') return whole;
    const index = batch.findIndex((r) => r.record.sequenceNumber === id);
    if (index < 0) return whole;
    lowest = Math.min(lowest, index);
  }
  return { kind: 'failure', failedFrom: lowest, functionError: null };
}
