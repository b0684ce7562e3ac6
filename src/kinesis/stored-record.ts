import type { KinesisRecord, StoredBytes } from './model.js';
import type { RecordBlock } from './record-block.js';
import type { ShardSequence } from './sequence-numbers.js';

/**
 * A record read from a shard, as a view of its stored block: the sequence number, partition key and data are
 * made on first use. Event source mappings read every record and mostly need none of them as JavaScript
 * values: the event builder writes the entry straight from the block's bytes (event-builder.ts), so a batch
 * costs one object per record instead of five.
 */
export class StoredRecord implements KinesisRecord, StoredBytes {
  #sequenceNumber: string | undefined;
  #partitionKey: string | undefined;
  #data: Buffer | undefined;

  constructor(
    readonly block: RecordBlock,
    /** Index of the record in its block. */
    readonly index: number,
    /** The shard's sequence numbers. */
    readonly sequence: ShardSequence,
    readonly position: number,
  ) {}

  /** Its own StoredBytes (no object is made). */
  get stored(): StoredBytes {
    return this;
  }

  get bytes(): Uint8Array {
    return this.block.buf;
  }

  get keyStart(): number {
    return this.block.keyStart(this.index);
  }

  get dataStart(): number {
    return this.block.dataStart(this.index);
  }

  get dataEnd(): number {
    return this.block.dataEnd(this.index);
  }

  get arrival(): number {
    return this.block.arrival;
  }

  get sequenceNumber(): string {
    return (this.#sequenceNumber ??= this.sequence.format(this.position, this.block.arrival));
  }

  get partitionKey(): string {
    return (this.#partitionKey ??= this.block.partitionKey(this.index));
  }

  get data(): Buffer {
    return (this.#data ??= this.block.data(this.index));
  }
}
