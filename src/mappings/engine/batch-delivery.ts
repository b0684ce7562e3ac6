import { randomUUID } from 'node:crypto';
import type { InvokeResult } from '../../lambda/invoker.js';
import { AwsError } from '../../server/errors.js';
import { LAST_PROCESSING_RESULT } from '../model.js';
import type { BatchOutcome } from './batch-outcome.js';
import type { CompiledMapping } from './compiled-mapping.js';
import type { EngineDeps } from './engine-deps.js';
import type { EncodedRecord } from './event-builder.js';
import { failureRecord, type FailureCondition } from './failure-record.js';
import { backoffMs, decide } from './retry-policy.js';

/** Thrown out of a delivery when its shard processor stops: the batch is not done and is read again later. */
export class Stopped extends Error {}

/** How one invoke of a batch is built and judged: plain Kinesis events, or tumbling-window events. */
export interface InvokeStrategy {
  payload(records: ReadonlyArray<EncodedRecord>): Buffer;
  judge(result: InvokeResult, records: ReadonlyArray<EncodedRecord>): BatchOutcome;
  /** Records the function processed successfully. */
  succeeded(records: ReadonlyArray<EncodedRecord>): void;
}

/** What a delivery tells its shard processor. */
export interface DeliveryHost {
  readonly shardId: string;
  readonly signal: AbortSignal;
  /** Records given up on (discarded); `release` frees their read-ahead room. */
  discarded(records: ReadonlyArray<EncodedRecord>, release: boolean): void;
  /** The age of the oldest record of the shard not yet processed (IteratorAge), or undefined when caught up. */
  oldestPendingAge(now: number): number | undefined;
}

/**
 * Delivers batches of one shard to the function under AWS's error-handling rules (retry-policy.ts): retries
 * with backoff, bisection, partial batch responses, record age, and discarding to the on-failure
 * destination. Throttles and service errors are retried without counting as retries.
 */
export class BatchDelivery {
  readonly #m: CompiledMapping;
  readonly #d: EngineDeps;
  readonly #host: DeliveryHost;

  constructor(m: CompiledMapping, d: EngineDeps, host: DeliveryHost) {
    this.#m = m;
    this.#d = d;
    this.#host = host;
  }

  /** Resolves when every record of the batch is done: processed, or discarded per the error handling settings. */
  async process(batch: EncodedRecord[], strategy: InvokeStrategy): Promise<void> {
    const m = this.#m;
    const clock = this.#d.clock;
    let current = batch;
    let invokeCount = 0;
    let failures = 0;
    for (;;) {
      current = await this.#dropExpired(current, invokeCount);
      if (current.length === 0) return;
      const started = clock.now();
      const result = await this.invokeUntilDelivered(current, strategy);
      invokeCount++;
      const outcome = strategy.judge(result, current);
      this.#emitBatch(current, outcome.kind, clock.now() - started, result.functionError);
      // A failure while stopping (shutdown, disable, update) may be the stop itself (a worker killed at the
      // shutdown timeout): the batch is not done, and is delivered again after the restart instead of being
      // counted against its retries or discarded.
      if (outcome.kind !== 'success' && this.#host.signal.aborted) throw new Stopped();
      const decision = decide(outcome, current.length, failures, this.#retryConfig());
      if (decision.kind === 'done') {
        this.#d.setResult(m.uuid, LAST_PROCESSING_RESULT.ok);
        strategy.succeeded(current);
        return;
      }
      this.#d.setResult(m.uuid, LAST_PROCESSING_RESULT.functionError);
      if (decision.kind === 'bisect') {
        // Bisect: retry each half on its own; splitting does not use up retries.
        const mid = Math.ceil(current.length / 2);
        await this.process(current.slice(0, mid), strategy);
        await this.process(current.slice(mid), strategy);
        return;
      }
      // Partial batch response: everything before the lowest failed item is done.
      if (decision.succeeded > 0) {
        strategy.succeeded(current.slice(0, decision.succeeded));
        current = current.slice(decision.succeeded);
      }
      failures++;
      if (decision.kind === 'discard') {
        await this.discard('RetryAttemptsExhausted', current, invokeCount, result.requestId, {
          statusCode: result.statusCode,
          functionError: outcome.kind === 'failure' ? outcome.functionError : null,
        });
        return;
      }
      await this.#sleep(decision.delayMs);
    }
  }

  #retryConfig(): { maxRetries: number; bisect: boolean; baseMs: number; maxMs: number } {
    return {
      maxRetries: this.#m.maxRetries,
      bisect: this.#m.bisect,
      baseMs: this.#d.retryBaseMs,
      maxMs: this.#d.retryMaxMs,
    };
  }

  async #sleep(ms: number): Promise<void> {
    await this.#d.clock.sleep(ms, this.#host.signal);
    if (this.#host.signal.aborted) throw new Stopped();
  }

  #emitBatch(
    batch: ReadonlyArray<EncodedRecord>,
    outcome: 'success' | 'failure' | 'throttled' | 'error',
    durationMs: number,
    functionError: string | undefined,
  ): void {
    const now = this.#d.clock.now();
    const last = batch[batch.length - 1]?.record;
    // IteratorAge: the age of the oldest record of the shard still to process, so a mapping that falls behind
    // shows a rising age; when caught up, the age of the batch's last record when it finished (AWS's reading).
    const pending = outcome === 'success' ? this.#host.oldestPendingAge(now) : undefined;
    this.#d.events.emit('batch', {
      uuid: this.#m.uuid,
      shardId: this.#host.shardId,
      records: batch.length,
      firstSequenceNumber: batch[0]?.record.sequenceNumber ?? '',
      lastSequenceNumber: last?.sequenceNumber ?? '',
      outcome,
      durationMs,
      iteratorAgeMs: pending ?? (last ? Math.max(0, now - last.arrival) : 0),
      ...(functionError ? { functionError } : {}),
    });
  }

  /** Invokes until the function ran; throttles and service errors are retried without counting. */
  async invokeUntilDelivered(batch: EncodedRecord[], strategy: InvokeStrategy): Promise<InvokeResult> {
    const payload = strategy.payload(batch);
    for (let attempt = 1; ; attempt++) {
      if (this.#host.signal.aborted) throw new Stopped();
      try {
        return await this.#d.invoker.invoke(this.#m.functionArn, payload);
      } catch (err) {
        // Only the errors Invoke documents are states of the mapping; anything else is a bug.
        if (!(err instanceof AwsError)) throw err;
        const throttled = err.type === 'TooManyRequestsException';
        this.#d.setResult(
          this.#m.uuid,
          throttled
            ? LAST_PROCESSING_RESULT.throttled
            : err.type === 'ResourceNotFoundException'
              ? LAST_PROCESSING_RESULT.functionMissing
              : `PROBLEM: ${err.type}`,
        );
        this.#emitBatch(batch, throttled ? 'throttled' : 'error', 0, undefined);
        await this.#sleep(backoffMs(attempt, this.#d.retryBaseMs, this.#d.retryMaxMs));
      }
    }
  }

  /** MaximumRecordAgeInSeconds: records older than it are not sent (condition RecordAgeExceeded). */
  async #dropExpired(batch: EncodedRecord[], invokeCount: number): Promise<EncodedRecord[]> {
    if (this.#m.maxRecordAgeMs < 0) return batch;
    const cutoff = this.#d.clock.now() - this.#m.maxRecordAgeMs;
    let n = 0;
    // Arrival times are monotonic within a shard, so the expired records are a prefix.
    while (n < batch.length && batch[n]!.record.arrival < cutoff) n++;
    if (n === 0) return batch;
    await this.discard('RecordAgeExceeded', batch.slice(0, n), invokeCount, randomUUID());
    return batch.slice(n);
  }

  /** Gives up on records: sends one failure record naming them to the on-failure destination, then marks them done. */
  async discard(
    condition: FailureCondition,
    records: EncodedRecord[],
    invokeCount: number,
    requestId: string,
    response?: { statusCode: number; functionError: string | null },
    release = true,
  ): Promise<void> {
    const m = this.#m;
    let delivered = false;
    let deliveryError: string | undefined;
    if (m.onFailure && this.#d.sink) {
      const body = JSON.stringify(
        failureRecord(
          {
            condition,
            records,
            shardId: this.#host.shardId,
            streamArn: m.streamArn,
            functionArn: m.functionArn,
            requestId,
            approximateInvokeCount: invokeCount,
            ...(response ? { response } : {}),
          },
          new Date(this.#d.clock.now()),
        ),
      );
      const result = await this.#d.sink.deliver(m.onFailure, body, this.#host.signal);
      delivered = result.delivered;
      if (!result.delivered) deliveryError = String(result.error);
    }
    this.#d.events.emit('discard', {
      uuid: m.uuid,
      shardId: this.#host.shardId,
      condition,
      records: records.length,
      delivered,
      firstSequenceNumber: records[0]!.record.sequenceNumber,
      lastSequenceNumber: records[records.length - 1]!.record.sequenceNumber,
      ...(m.onFailure ? { destination: m.onFailure } : {}),
      ...(deliveryError !== undefined ? { deliveryError } : {}),
    });
    this.#host.discarded(records, release);
  }
}
