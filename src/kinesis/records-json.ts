import { SEQUENCE_DIGITS, type ShardSequence } from './sequence-numbers.js';
import type { BlockSlice } from './shard-log.js';

const OPEN = '{"SequenceNumber":"';
const ARRIVAL = '","ApproximateArrivalTimestamp":';
const DATA = ',"Data":"';
const KEY = '","PartitionKey":';
/** Bytes of a record's JSON besides its variable parts. */
const FIXED_BYTES = OPEN.length + ARRIVAL.length + DATA.length + KEY.length + 2; /* }, */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * GetRecords' `Records` as AWS JSON 1.1 writes them — blobs base64, timestamps epoch seconds with the
 * milliseconds as a fraction — written straight from the stored blocks into one buffer. The same bytes
 * `JSON.stringify` gives for the records as objects (test/kinesis/kinesis-put-records-limits.test.ts compares them),
 * at a fraction of the cost: a response carries up to 10000 records, and building an object and a string
 * per record cost more than the rest of GetRecords together.
 *
 * `sequence` makes the shard's sequence numbers.
 */
export function recordsJson(slices: ReadonlyArray<BlockSlice>, sequence: ShardSequence): Buffer {
  // An upper bound of the size: keys may need escaping (at most 6 bytes per byte, as \u00XX).
  let bound = 2;
  for (const { block, start, end } of slices) {
    const arrivalBytes = String(block.arrival / 1000).length;
    for (let i = start; i < end; i++) {
      const keyBytes = block.dataStart(i) - block.keyStart(i);
      const dataBytes = block.dataEnd(i) - block.dataStart(i);
      bound += FIXED_BYTES + SEQUENCE_DIGITS + arrivalBytes + 4 * Math.ceil(dataBytes / 3) + 6 * keyBytes + 2;
    }
  }
  const out = Buffer.allocUnsafe(bound);
  let o = 0;
  out[o++] = 0x5b; // [
  let first = true;
  for (const { block, start, end } of slices) {
    const arrival = ARRIVAL + String(block.arrival / 1000) + DATA;
    const buf = block.buf;
    for (let i = start; i < end; i++) {
      if (!first) out[o++] = 0x2c; // ,
      first = false;
      const ks = block.keyStart(i);
      const ds = block.dataStart(i);
      o += out.write(
        OPEN +
          sequence.format(block.first + i, block.arrival) +
          arrival +
          buf.toString('base64', ds, block.dataEnd(i)) +
          KEY,
        o,
        'latin1',
      );
      if (plainJsonString(buf, ks, ds)) {
        out[o++] = QUOTE;
        o += buf.copy(out, o, ks, ds);
        out[o++] = QUOTE;
      } else {
        o += out.write(JSON.stringify(block.partitionKey(i)), o, 'utf8');
      }
      out[o++] = 0x7d; // }
    }
  }
  out[o++] = 0x5d; // ]
  return out.subarray(0, o);
}

/**
 * Whether UTF-8 bytes can go between JSON quotes as they are: JSON.stringify escapes only control
 * characters, the quote and the backslash (and lone surrogates, which UTF-8 cannot hold).
 */
export function plainJsonString(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c < 0x20 || c === QUOTE || c === BACKSLASH) return false;
  }
  return true;
}
