import { EventEmitter } from 'node:events';
import { streamNotFound } from '../not-found.js';
import type { AwsError } from '../../server/errors.js';
import { childShards } from '../child-shards.js';
import type { KinesisContext } from '../kinesis-context.js';
import type { KinesisRecord } from '../model.js';
import type { Shard } from '../shard.js';
import type { Stream } from '../stream.js';
import { continuationSequenceNumber } from './starting-position.js';
import type { CompiledFanOutOptions } from './options.js';

/**
 * Why a subscription ended:
 * - `expired`: it reached its lifetime (5 minutes on AWS).
 * - `taken-over`: a later SubscribeToShard for the same consumer and shard replaced it.
 * - `closed`: the reader went away or called close().
 * - `shard-end`: a closed shard was read to its end (the last event carried ChildShards).
 * - `consumer-deleted` / `stream-deleted`: the consumer or stream is being deleted (ends with ResourceNotFoundException).
 * - `server-closing`: the server is shutting down.
 */
export type SubscriptionEndReason =
  | 'expired'
  | 'taken-over'
  | 'closed'
  | 'shard-end'
  | 'consumer-deleted'
  | 'stream-deleted'
  | 'server-closing';

/** `active` until it ends; an ended subscription yields no more events. */
export type SubscriptionState = 'active' | 'ended';

/** One SubscribeToShardEvent, before framing. */
export interface SubscriptionEvent {
  records: KinesisRecord[];
  /** Resume point for AFTER_SEQUENCE_NUMBER; undefined once a closed shard is fully read. */
  continuationSequenceNumber: string | undefined;
  /** Next position this subscription reads; undefined once a closed shard is fully read. */
  continuationPosition: number | undefined;
  /** How far the last record sent is behind the shard's tip (0 = caught up). */
  millisBehindLatest: number;
  /** Set on the last event of a closed shard: the shards to continue with. */
  childShards: Array<Record<string, unknown>> | undefined;
}

export interface SubscriptionEvents {
  /** An event was handed to the reader. */
  event: [SubscriptionEvent];
  end: [SubscriptionEndReason];
}

export interface SubscriptionInit {
  consumerArn: string;
  /** The stream generation and shard subscribed to (handles, resolved once by SubscribeToShard). */
  stream: Stream;
  shard: Shard;
  /** First position to read. */
  position: number;
  options: CompiledFanOutOptions;
}

/**
 * A push subscription to one shard for one consumer. Events are produced lazily: the next one is read
 * from the shard only when the reader asks for it, so a slow reader (through the transport's
 * back-pressure) holds the producer back instead of making it buffer. While caught up it sleeps until
 * an `append` event names its shard (no polling) or a heartbeat is due.
 */
export class Subscription
  extends EventEmitter<SubscriptionEvents>
  implements AsyncIterable<SubscriptionEvent>, AsyncDisposable
{
  readonly consumerArn: string;
  readonly streamName: string;
  readonly shardId: string;
  readonly startedAt = Date.now();
  readonly expiresAt: number;
  #state: SubscriptionState = 'active';
  #endReason: SubscriptionEndReason | undefined;
  #error: AwsError | undefined;
  readonly #k: KinesisContext;
  readonly #stream: Stream;
  readonly #shard: Shard;
  readonly #opts: CompiledFanOutOptions;
  #next: number;
  #lastEventAt = 0;
  #wake: (() => void) | undefined;
  readonly #expiry: NodeJS.Timeout;
  #iterated = false;
  #handedOverAt: number | undefined;
  /** Counters for monitoring and for tests that prove back-pressure. */
  eventsDelivered = 0;
  recordsDelivered = 0;
  bytesDelivered = 0;

  constructor(k: KinesisContext, init: SubscriptionInit) {
    super();
    this.#k = k;
    this.#opts = init.options;
    this.consumerArn = init.consumerArn;
    this.#stream = init.stream;
    this.#shard = init.shard;
    this.streamName = init.stream.name;
    this.shardId = init.shard.shardId;
    this.#next = init.position;
    this.expiresAt = this.startedAt + init.options.subscriptionLifetimeMs;
    this.#expiry = setTimeout(() => this.end('expired'), init.options.subscriptionLifetimeMs);
  }

  get state(): SubscriptionState {
    return this.#state;
  }

  get endReason(): SubscriptionEndReason | undefined {
    return this.#endReason;
  }

  /**
   * Since when the last event has been waiting for the reader to ask for the next one (undefined while
   * the subscription is reading or sleeping). A growing value means the reader is slow and is holding
   * the producer back (back-pressure), not that events pile up.
   */
  get waitingForReaderSince(): number | undefined {
    return this.#handedOverAt;
  }

  /** Next position to read. */
  get position(): number {
    return this.#next;
  }

  /** Called by the hub when the shard may have changed (append, reshard): wakes a sleeping reader. */
  notify(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  /** Ends the subscription; a pending or later `next()` finishes (or throws `error`). Idempotent. */
  end(reason: SubscriptionEndReason, error?: AwsError): void {
    if (this.#state === 'ended') return;
    this.#state = 'ended';
    this.#endReason = reason;
    this.#error = error;
    clearTimeout(this.#expiry);
    this.notify();
    this.emit('end', reason);
  }

  /** Stops the subscription from the reader's side. */
  close(): void {
    this.end('closed');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<SubscriptionEvent> {
    if (this.#iterated) throw new Error('A subscription can be iterated only once.');
    this.#iterated = true;
    const gen = this.#run();
    return {
      next: () => gen.next(),
      // Ending first wakes a generator sleeping in its wait, so return() does not wait for a heartbeat.
      return: async (value?: unknown) => {
        this.close();
        await gen.return(undefined);
        return { done: true, value };
      },
    };
  }

  async *#run(): AsyncGenerator<SubscriptionEvent, void, undefined> {
    try {
      for (;;) {
        if (this.#state === 'ended') {
          if (this.#error) throw this.#error;
          return;
        }
        const ev = this.#poll();
        const now = Date.now();
        if (ev !== undefined || now >= this.#lastEventAt + this.#opts.heartbeatMs) {
          const out = ev ?? this.#event([], false);
          this.#lastEventAt = now;
          this.#count(out);
          this.#handedOverAt = Date.now();
          try {
            yield out;
          } finally {
            this.#handedOverAt = undefined;
          }
          if (out.childShards !== undefined) {
            this.end('shard-end');
            return;
          }
          continue;
        }
        await this.#sleep(this.#lastEventAt + this.#opts.heartbeatMs - now);
      }
    } finally {
      this.end('closed');
    }
  }

  #count(ev: SubscriptionEvent): void {
    this.eventsDelivered++;
    this.recordsDelivered += ev.records.length;
    for (const r of ev.records) this.bytesDelivered += r.data.length + Buffer.byteLength(r.partitionKey);
    this.emit('event', ev);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.#wake = undefined;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  /** Reads what is available; undefined when there is nothing to send yet. */
  #poll(): SubscriptionEvent | undefined {
    const shard = this.#shard;
    if (!this.#stream.live || shard.dropped) {
      // The stream (or this closed shard, past the retention period) vanished between the hub's notification
      // and this read: the reader gets ResourceNotFoundException, as AWS's would.
      const err = this.#stream.live
        ? this.#stream.shardNotFound(this.shardId)
        : streamNotFound(this.#k.streams.account, this.streamName);
      this.end('stream-deleted', err);
      throw err;
    }
    const bounds = shard.bounds();
    // Records trimmed by retention are skipped, as TRIM_HORIZON would.
    if (this.#next < bounds.first) this.#next = bounds.first;
    let records: KinesisRecord[] = [];
    if (this.#next <= bounds.last) {
      records = shard.read(this.#next, this.#opts.maxEventRecords, this.#opts.maxEventBytes);
      if (records.length > 0) this.#next = records[records.length - 1]!.position + 1;
    }
    const end = shard.meta.endPosition;
    const atEnd = end !== undefined && this.#next > end;
    if (records.length === 0 && !atEnd) return undefined;
    return this.#event(records, atEnd);
  }

  #event(records: KinesisRecord[], atEnd: boolean): SubscriptionEvent {
    const nextArrival = this.#shard.arrivalAt(this.#next);
    return {
      records,
      continuationSequenceNumber: atEnd ? undefined : continuationSequenceNumber(this.#shard, this.#next),
      continuationPosition: atEnd ? undefined : this.#next,
      millisBehindLatest: nextArrival === undefined ? 0 : Math.max(0, Date.now() - nextArrival),
      childShards: atEnd ? childShards(this.#stream.meta, this.shardId) : undefined,
    };
  }
}
