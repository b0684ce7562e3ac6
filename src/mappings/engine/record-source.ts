import type { KinesisContext } from '../../kinesis/kinesis-context.js';
import type { KinesisRecord } from '../../kinesis/model.js';
import { openSubscription, type Subscription, type SubscriptionEvent } from '../../kinesis/fan-out/index.js';
import { AwsError } from '../../server/errors.js';
import { Signal, sleep } from './signal.js';

/**
 * Where a shard processor gets its records. `next` resolves with the next records in order (never
 * empty), `'end'` once a closed shard is read to its end, or `'gone'` when the stream or consumer
 * disappeared or the source was closed.
 */
export interface RecordSource {
  next(max: number): Promise<KinesisRecord[] | 'end' | 'gone'>;
  /** Records were appended to the shard (shared-throughput sources wake on it). */
  wake(): void;
  close(): void;
}

/**
 * Shared-throughput reading, like GetRecords but in process: reads the shard's log directly and, when
 * caught up, sleeps until the registry reports an append (no polling).
 */
export class SharedThroughputSource implements RecordSource {
  readonly #k: KinesisContext;
  readonly #stream: string;
  readonly #shardId: string;
  readonly #appended = new Signal();
  #position: number;
  #closed = false;

  constructor(k: KinesisContext, stream: string, shardId: string, position: number) {
    this.#k = k;
    this.#stream = stream;
    this.#shardId = shardId;
    this.#position = position;
  }

  async next(max: number): Promise<KinesisRecord[] | 'end' | 'gone'> {
    const streams = this.#k.streams;
    while (!this.#closed) {
      let records: KinesisRecord[];
      try {
        // Records trimmed by retention while we were behind are skipped.
        this.#position = Math.max(this.#position, streams.bounds(this.#stream, this.#shardId).first);
        records = streams.read(this.#stream, this.#shardId, this.#position, max);
      } catch {
        return 'gone';
      }
      if (records.length > 0) {
        this.#position = records[records.length - 1]!.position + 1;
        return records;
      }
      let endPosition: number | undefined;
      try {
        endPosition = streams.shard(this.#stream, this.#shardId).endPosition;
      } catch {
        return 'gone';
      }
      if (endPosition !== undefined && this.#position > endPosition) return 'end';
      await this.#appended.wait();
    }
    return 'gone';
  }

  wake(): void {
    this.#appended.notify();
  }

  close(): void {
    this.#closed = true;
    this.#appended.notify();
  }
}

/**
 * Enhanced fan-out reading (doc: "With consumers, Kinesis pushes records to Lambda over an HTTP/2
 * connection"): the same subscription path as SubscribeToShard, resubscribed from the continuation
 * point when a subscription reaches its lifetime.
 */
export class ConsumerSource implements RecordSource {
  readonly #k: KinesisContext;
  readonly #consumerArn: string;
  readonly #stream: string;
  readonly #shardId: string;
  readonly #abort = new AbortController();
  #position: number;
  #sub: Subscription | undefined;
  #iterator: AsyncIterator<SubscriptionEvent> | undefined;
  #buffer: KinesisRecord[] = [];
  #ended = false;

  constructor(k: KinesisContext, consumerArn: string, stream: string, shardId: string, position: number) {
    this.#k = k;
    this.#consumerArn = consumerArn;
    this.#stream = stream;
    this.#shardId = shardId;
    this.#position = position;
  }

  async next(max: number): Promise<KinesisRecord[] | 'end' | 'gone'> {
    for (;;) {
      if (this.#buffer.length > 0) return this.#buffer.splice(0, max);
      if (this.#ended) return 'end';
      if (this.#abort.signal.aborted) return 'gone';
      if (!this.#iterator) {
        const opened = await this.#open();
        if (opened !== 'ok') return opened;
      }
      let step: IteratorResult<SubscriptionEvent>;
      try {
        step = await this.#iterator!.next();
      } catch {
        // The subscription ended with an exception (consumer or stream deleted): nothing more to read here.
        this.#iterator = undefined;
        this.#sub = undefined;
        return 'gone';
      }
      if (step.done) {
        const reason = this.#sub?.endReason;
        this.#iterator = undefined;
        this.#sub = undefined;
        if (reason === 'shard-end') this.#ended = true;
        else if (reason !== 'expired' && reason !== 'taken-over') return 'gone';
        continue;
      }
      const ev = step.value;
      for (const r of ev.records) {
        if (r.position >= this.#position) this.#buffer.push(r);
      }
      if (this.#buffer.length > 0) this.#position = this.#buffer[this.#buffer.length - 1]!.position + 1;
      if (ev.childShards !== undefined && ev.continuationPosition === undefined) this.#ended = true;
    }
  }

  async #open(): Promise<'ok' | 'gone'> {
    for (let attempt = 0; !this.#abort.signal.aborted; attempt++) {
      try {
        const seq = this.#k.streams.sequenceNumber(this.#stream, this.#shardId, this.#position);
        this.#sub = openSubscription(this.#k, {
          consumerArn: this.#consumerArn,
          shardId: this.#shardId,
          startingPosition: { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: seq },
          signal: this.#abort.signal,
        });
        this.#iterator = this.#sub[Symbol.asyncIterator]();
        return 'ok';
      } catch (err) {
        // Within 5 s of a previous subscription AWS answers ResourceInUseException: wait and take over.
        if (err instanceof AwsError && err.type === 'ResourceInUseException') {
          await sleep(Math.min(1000, 100 * 2 ** attempt), this.#abort.signal);
          continue;
        }
        return 'gone';
      }
    }
    return 'gone';
  }

  wake(): void {
    // The subscription wakes itself on appends.
  }

  close(): void {
    this.#abort.abort();
    this.#sub?.close();
  }
}
