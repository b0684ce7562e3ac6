import type { KinesisRecord } from '../../kinesis/model.js';
import type { FilterableKinesisRecord } from '../filter/index.js';

/**
 * A polled record as event filtering sees it, read through on demand: a filter on `data` alone then never
 * decodes the partition key or formats the 56-digit sequence number of a stored record (stored-record.ts).
 * One view per shard serves every record in turn; `matches` is synchronous and keeps nothing.
 */
export class FilterView implements FilterableKinesisRecord {
  #record: KinesisRecord | undefined;

  /** Points the view at `record` (the one `matches` is about to see). */
  of(record: KinesisRecord): this {
    this.#record = record;
    return this;
  }

  get partitionKey(): string {
    return this.#current.partitionKey;
  }

  get sequenceNumber(): string {
    return this.#current.sequenceNumber;
  }

  /** Epoch seconds with the millisecond fraction, as in the Lambda event. */
  get approximateArrivalTimestamp(): number {
    return this.#current.arrival / 1000;
  }

  get data(): Uint8Array {
    return this.#current.data;
  }

  get #current(): KinesisRecord {
    if (this.#record === undefined) throw new Error('FilterView read before of()');
    return this.#record;
  }
}
