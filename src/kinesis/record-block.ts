/**
 * A shard's records are stored in blocks: the records one PutRecord(s) call put on one shard, in one store
 * entry keyed by the position of its first record. They share one arrival time (a put's records arrive
 * together), so retention trims whole blocks exactly.
 *
 * Why blocks rather than a store entry per record: reading and writing an entry costs about 1.5 µs in lmdb
 * whatever its size (key encoding, cursor step, value copy), as much as the rest of a GetRecords record; a
 * 500-record put pays it once. And a plain binary layout lets GetRecords write its JSON straight from the
 * stored bytes (see records-json.ts).
 *
 * Layout (little-endian):
 * - header, 16 bytes: u8 format (1), 3 bytes zero, u32 record count, f64 arrival (epoch ms);
 * - per record: u16 partition key bytes, u32 data bytes, the key (UTF-8), the data.
 */
const FORMAT = 1;
const HEADER_BYTES = 16;
const RECORD_HEADER_BYTES = 6;

export interface BlockEntry {
  data: Uint8Array;
  partitionKey: string;
}

/** Encodes one put's records for one shard. */
export function encodeBlock(entries: ReadonlyArray<BlockEntry>, arrival: number): Buffer {
  const keyBytes = new Array<number>(entries.length);
  let size = HEADER_BYTES;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const k = Buffer.byteLength(e.partitionKey);
    keyBytes[i] = k;
    size += RECORD_HEADER_BYTES + k + e.data.length;
  }
  const buf = Buffer.allocUnsafe(size);
  buf.writeUInt32LE(FORMAT, 0);
  buf.writeUInt32LE(entries.length, 4);
  buf.writeDoubleLE(arrival, 8);
  let o = HEADER_BYTES;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const k = keyBytes[i]!;
    buf.writeUInt16LE(k, o);
    buf.writeUInt32LE(e.data.length, o + 2);
    o += RECORD_HEADER_BYTES;
    o += buf.write(e.partitionKey, o, k, 'utf8');
    buf.set(e.data, o);
    o += e.data.length;
  }
  return buf;
}

/** What the limits and metrics count for an encoded block's records: data plus partition key bytes. */
export function blockRecordBytes(buf: Buffer): number {
  return buf.length - HEADER_BYTES - buf.readUInt32LE(4) * RECORD_HEADER_BYTES;
}

/**
 * A decoded view of a stored block: offsets are parsed once, keys and data are read on demand
 * (data as a view into the block, not a copy). Immutable, so it can be cached and shared by readers.
 */
export class RecordBlock {
  readonly count: number;
  readonly arrival: number;
  /** Per record: key start, data start (where the key ends), data end. */
  readonly #offsets: Uint32Array;

  private constructor(
    /** Position of the block's first record in its shard. */
    readonly first: number,
    readonly buf: Buffer,
  ) {
    if (buf.length < HEADER_BYTES || buf.readUInt8(0) !== FORMAT)
      throw new Error('Unknown record block format');
    this.count = buf.readUInt32LE(4);
    this.arrival = buf.readDoubleLE(8);
    const offsets = new Uint32Array(this.count * 3);
    let o = HEADER_BYTES;
    for (let i = 0; i < this.count; i++) {
      const k = buf.readUInt16LE(o);
      const d = buf.readUInt32LE(o + 2);
      o += RECORD_HEADER_BYTES;
      offsets[i * 3] = o;
      offsets[i * 3 + 1] = o + k;
      offsets[i * 3 + 2] = o + k + d;
      o += k + d;
    }
    if (o !== buf.length) throw new Error('Corrupt record block');
    this.#offsets = offsets;
  }

  /**
   * Decodes a stored value: a block, or (data written before blocks existed) a single record stored as
   * `{ d, k, t }`, which becomes a block of one.
   */
  static from(first: number, value: unknown): RecordBlock {
    if (value instanceof Uint8Array) {
      return new RecordBlock(first, Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    }
    const legacy = value as { d: Uint8Array; k: string; t: number };
    return new RecordBlock(first, encodeBlock([{ data: legacy.d, partitionKey: legacy.k }], legacy.t));
  }

  /** Position of the block's last record. */
  get last(): number {
    return this.first + this.count - 1;
  }

  partitionKey(i: number): string {
    return this.buf.toString('utf8', this.#offsets[i * 3]!, this.#offsets[i * 3 + 1]!);
  }

  data(i: number): Buffer {
    return this.buf.subarray(this.#offsets[i * 3 + 1]!, this.#offsets[i * 3 + 2]!);
  }

  keyStart(i: number): number {
    return this.#offsets[i * 3]!;
  }

  dataStart(i: number): number {
    return this.#offsets[i * 3 + 1]!;
  }

  dataEnd(i: number): number {
    return this.#offsets[i * 3 + 2]!;
  }

  /** What the 1 MiB / 10 MiB limits count: data bytes plus partition key bytes. */
  size(i: number): number {
    return this.#offsets[i * 3 + 2]! - this.#offsets[i * 3]!;
  }
}
