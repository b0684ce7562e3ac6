import type { Clock } from '../../server/clock.js';
import { backoffMs } from './retry-policy.js';

/** Sends a failure record to an SQS queue or SNS topic ARN (the component that owns the destination routes it). */
export interface DestinationSender {
  exists(arn: string): boolean;
  send(arn: string, body: string): Promise<void>;
}

/** What became of a failure record. */
export type SinkResult = { delivered: true } | { delivered: false; error: unknown };

/**
 * Delivers failure records (doc: "On-failure destinations") with retries of its own. A destination that stays
 * unavailable is reported to the caller — counted as DestinationDeliveryFailures — never silently dropped.
 */
export class FailureSink {
  readonly #sender: DestinationSender;
  readonly #clock: Clock;
  readonly #attempts: number;
  readonly #baseMs: number;
  readonly #maxMs: number;

  constructor(
    sender: DestinationSender,
    clock: Clock,
    o: { attempts?: number; baseMs: number; maxMs: number },
  ) {
    this.#sender = sender;
    this.#clock = clock;
    this.#attempts = o.attempts ?? 5;
    this.#baseMs = o.baseMs;
    this.#maxMs = o.maxMs;
  }

  async deliver(destination: string, body: string, signal: AbortSignal): Promise<SinkResult> {
    let error: unknown;
    for (let attempt = 1; attempt <= this.#attempts; attempt++) {
      try {
        await this.#sender.send(destination, body);
        return { delivered: true };
      } catch (err) {
        error = err;
        if (attempt < this.#attempts && !signal.aborted)
          await this.#clock.sleep(backoffMs(attempt + 1, this.#baseMs, this.#maxMs), signal);
      }
    }
    return { delivered: false, error };
  }
}
