import type { KinesisContext } from '../../kinesis/kinesis-context.js';
import type { KinesisRecord } from '../../kinesis/model.js';
import { openSubscription, type Subscription, type SubscriptionEvent } from '../../kinesis/fan-out/index.js';
import { AwsError } from '../../server/errors.js';
import { systemClock } from '../../server/clock.js';
import type { ReadResult, ShardReader, StreamView } from './shard-reader.js';

/**
 * Enhanced fan-out reading (doc: "With consumers, Kinesis pushes records to Lambda over an HTTP/2
 * connection"): the same subscription path as SubscribeToShard, resubscribed from the continuation point
 * when a subscription reaches its lifetime or is taken over.
 */
export class ConsumerReader implements ShardReader {
  readonly #k: KinesisContext;
  readonly #view: StreamView;
  readonly #consumerArn: string;
  readonly #shardId: string;
  readonly #abort = new AbortController();
  #position: number;
  #sub: Subscription | undefined;
  #iterator: AsyncIterator<SubscriptionEvent> | undefined;
  #buffer: KinesisRecord[] = [];
  #ended = false;

  constructor(k: KinesisContext, view: StreamView, consumerArn: string, shardId: string, position: number) {
    this.#k = k;
    this.#view = view;
    this.#consumerArn = consumerArn;
    this.#shardId = shardId;
    this.#position = position;
  }

  #gone(): ReadResult {
    return { kind: 'gone', reason: this.#view.alive() ? 'consumer-deleted' : 'stream-deleted' };
  }

  async next(max: number): Promise<ReadResult> {
    for (;;) {
      if (this.#buffer.length > 0) return this.#buffer.splice(0, max);
      if (this.#ended) return { kind: 'end' };
      if (this.#abort.signal.aborted || !this.#view.alive()) return this.#gone();
      if (!this.#iterator) {
        const opened = await this.#open();
        if (!opened) return this.#gone();
      }
      let step: IteratorResult<SubscriptionEvent>;
      try {
        step = await this.#iterator!.next();
      } catch (err) {
        // The subscription ended with ResourceNotFoundException: its consumer or stream was deleted.
        if (!(err instanceof AwsError && err.type === 'ResourceNotFoundException')) throw err;
        this.#iterator = undefined;
        this.#sub = undefined;
        return this.#gone();
      }
      if (step.done) {
        const reason = this.#sub?.endReason;
        this.#iterator = undefined;
        this.#sub = undefined;
        if (reason === 'shard-end') this.#ended = true;
        else if (reason !== 'expired' && reason !== 'taken-over') return this.#gone();
        continue;
      }
      const ev = step.value;
      for (const r of ev.records) if (r.position >= this.#position) this.#buffer.push(r);
      if (this.#buffer.length > 0) this.#position = this.#buffer[this.#buffer.length - 1]!.position + 1;
      if (ev.childShards !== undefined && ev.continuationPosition === undefined) this.#ended = true;
    }
  }

  /** Subscribes from the current position; false when the consumer or stream is gone. */
  async #open(): Promise<boolean> {
    for (let attempt = 0; !this.#abort.signal.aborted; attempt++) {
      try {
        const seq = this.#k.streams
          .stream(this.#view.streamName)
          .shard(this.#shardId)
          .sequenceNumber(this.#position);
        this.#sub = openSubscription(this.#k, {
          consumerArn: this.#consumerArn,
          shardId: this.#shardId,
          startingPosition: { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: seq },
          signal: this.#abort.signal,
        });
        this.#iterator = this.#sub[Symbol.asyncIterator]();
        return true;
      } catch (err) {
        if (!(err instanceof AwsError)) throw err;
        if (err.type === 'ResourceNotFoundException') return false;
        // Within 5 s of a previous subscription AWS answers ResourceInUseException (also while the consumer
        // is still CREATING): wait and take over.
        if (err.type !== 'ResourceInUseException') throw err;
        await systemClock.sleep(Math.min(1000, 100 * 2 ** attempt), this.#abort.signal);
      }
    }
    return false;
  }

  wake(): void {
    // The subscription wakes itself on appends and reshards.
  }

  close(): void {
    this.#abort.abort();
    this.#sub?.close();
  }
}
