import type { BatchOutcome } from './batch-outcome.js';

/**
 * What to do after an invoke of a batch, from AWS's error-handling rules (doc: "Error handling"):
 * - success: the batch is done;
 * - a partial batch response (ReportBatchItemFailures) names the lowest failed record: the records before
 *   it are done and the rest is retried;
 * - BisectBatchOnFunctionError: a failed batch of two or more records is split in two and each half
 *   retried on its own; splitting does not use up retries;
 * - otherwise the batch is retried until MaximumRetryAttempts is exhausted (-1: until the records expire),
 *   then discarded to the on-failure destination (condition RetryAttemptsExhausted).
 * Pure: no I/O, no time.
 */
export type RetryDecision =
  | { kind: 'done' }
  /** Records [0, succeeded) are done; retry the rest after the backoff (succeeded may be 0). */
  | { kind: 'retry'; succeeded: number; delayMs: number }
  | { kind: 'bisect' }
  /** Records [0, succeeded) are done; discard the rest (RetryAttemptsExhausted). */
  | { kind: 'discard'; succeeded: number };

export interface RetryConfig {
  /** -1 = retry until the record expires. */
  maxRetries: number;
  bisect: boolean;
  baseMs: number;
  maxMs: number;
}

/**
 * Decides after an invoke that reached the function. `failures` counts the failed invokes of this batch
 * before this one.
 */
export function decide(
  outcome: BatchOutcome,
  batchLength: number,
  failures: number,
  c: RetryConfig,
): RetryDecision {
  if (outcome.kind === 'success') return { kind: 'done' };
  const succeeded = outcome.failedFrom;
  if (succeeded === 0 && c.bisect && batchLength > 1) return { kind: 'bisect' };
  const retries = failures + 1;
  if (c.maxRetries >= 0 && retries > c.maxRetries) return { kind: 'discard', succeeded };
  return { kind: 'retry', succeeded, delayMs: backoffMs(retries, c.baseMs, c.maxMs) };
}

/** The one backoff formula of the engine: base * 2^(attempt-1), capped at max. `attempt` starts at 1. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(0, attempt - 1), 20));
}
