import type { KinesisRecord } from '../../kinesis/model.js';
import { plainJsonString } from '../../kinesis/records-json.js';
import { SEQUENCE_DIGITS } from '../../kinesis/sequence-numbers.js';
// Lambda's synchronous invocation payload limit: a batch that would exceed it is cut.
import { MAX_SYNC_PAYLOAD_BYTES } from '../../runtime/invocation.js';

/** What is the same for every record of a mapping's events in one shard. */
export interface EventContext {
  shardId: string;
  streamArn: string;
  region: string;
  /** The function's execution role (invokeIdentityArn). */
  role: string;
  /** Record entry text from the `}` closing `kinesis` up to the sequence number in `eventID`, as UTF-8. */
  readonly eventIdPrefix: Buffer;
  /** Record entry text after `eventID`'s sequence number, to the end of the entry, as UTF-8. */
  readonly tail: Buffer;
}

/** Builds a context, with the entry text that only depends on it encoded once. */
export function eventContext(c: {
  shardId: string;
  streamArn: string;
  region: string;
  role: string;
}): EventContext {
  const tail =
    `","eventName":"aws:kinesis:record","invokeIdentityArn":${JSON.stringify(c.role)},` +
    `"awsRegion":${JSON.stringify(c.region)},"eventSourceARN":${JSON.stringify(c.streamArn)}}`;
  return {
    ...c,
    eventIdPrefix: Buffer.from(`},"eventSource":"aws:kinesis","eventVersion":"1.0","eventID":"${c.shardId}:`),
    tail: Buffer.from(tail),
  };
}

/** One record of a batch and the byte length of its entry in the payload. */
export interface EncodedRecord {
  record: KinesisRecord;
  bytes: number;
}

// The fixed text around a record's own fields (doc: "Example Kinesis record event"), in entry order.
const OPEN = Buffer.from('{"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":');
const SEQUENCE = Buffer.from(',"sequenceNumber":"');
const DATA = Buffer.from('","data":"');
const ARRIVAL = Buffer.from('","approximateArrivalTimestamp":');
const FIXED_BYTES = OPEN.length + SEQUENCE.length + DATA.length + ARRIVAL.length;

/**
 * A partition key that JSON.stringify would only wrap in quotes: printable ASCII without `"` or `\`. Most
 * keys are; they are written byte for byte, the others through JSON.stringify.
 */
function plainKey(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/**
 * Characters of approximateArrivalTimestamp — epoch seconds with the milliseconds as a fraction, the JSON
 * number `String(arrivalMs / 1000)` gives: "1545084650.987", "1545084650.98", "1545084650".
 */
function arrivalLength(arrivalMs: number): number {
  if (!Number.isSafeInteger(arrivalMs) || arrivalMs < 0) return String(arrivalMs / 1000).length;
  const ms = arrivalMs % 1000;
  const fraction = ms === 0 ? 0 : ms % 100 === 0 ? 2 : ms % 10 === 0 ? 3 : 4; // with the dot
  return digitCount((arrivalMs - ms) / 1000) + fraction;
}

function digitCount(n: number): number {
  if (n >= 1e9 && n < 1e10) return 10; // epoch seconds from 2001 to 2286
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

/**
 * Sizes a record's entry in AWS's Kinesis event without building it: records wait in the read-ahead queue as
 * they came from the shard, and their entries are written only into the payload of the batch they end up in.
 */
export function encodeRecord(r: KinesisRecord, c: EventContext): EncodedRecord {
  let keyBytes: number;
  let seqLength: number;
  let dataLength: number;
  const stored = r.stored;
  if (stored) {
    // Straight from the block: no key string or data view is made (a stored record's sequence number has
    // AWS's 56 digits; it is made when the entry is written).
    const ks = stored.keyStart;
    const ds = stored.dataStart;
    keyBytes = plainJsonString(stored.bytes, ks, ds)
      ? ds - ks + 2
      : Buffer.byteLength(JSON.stringify(r.partitionKey));
    seqLength = SEQUENCE_DIGITS;
    dataLength = stored.dataEnd - ds;
  } else {
    const key = r.partitionKey;
    keyBytes = plainKey(key) ? key.length + 2 : Buffer.byteLength(JSON.stringify(key));
    seqLength = r.sequenceNumber.length;
    dataLength = r.data.byteLength;
  }
  const bytes =
    FIXED_BYTES +
    keyBytes +
    2 * seqLength + // sequenceNumber and eventID
    4 * Math.ceil(dataLength / 3) + // base64
    arrivalLength(r.arrival) +
    c.eventIdPrefix.length +
    c.tail.length;
  return { record: r, bytes };
}

// An entry is about 650 bytes written in eleven pieces, 100 to 10,000 times per payload. Each piece is written
// the cheapest way measured for its kind (bench/RESULTS.md): fixed text with TypedArray#set, base64 and short
// ASCII with JavaScript loops (Buffer's native write and toString cost more per call than these pieces), the
// sequence number once as ASCII and once copied within the payload.

/** Writes a short string known to be printable ASCII (a plain partition key). */
function putAscii(buf: Buffer, o: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[o + i] = s.charCodeAt(i);
  return o + s.length;
}

const BASE64 = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');

/** Base64 of d[start, end) at `o`; returns the offset after it. */
function putBase64(buf: Buffer, o: number, d: Uint8Array, start: number, end: number): number {
  const t = BASE64;
  let i = start;
  for (; i + 3 <= end; i += 3) {
    const v = (d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!;
    buf[o] = t[v >>> 18]!;
    buf[o + 1] = t[(v >>> 12) & 63]!;
    buf[o + 2] = t[(v >>> 6) & 63]!;
    buf[o + 3] = t[v & 63]!;
    o += 4;
  }
  if (i < end) {
    const two = i + 1 < end;
    const v = (d[i]! << 16) | (two ? d[i + 1]! << 8 : 0);
    buf[o] = t[v >>> 18]!;
    buf[o + 1] = t[(v >>> 12) & 63]!;
    buf[o + 2] = two ? t[(v >>> 6) & 63]! : 0x3d; // =
    buf[o + 3] = 0x3d;
    o += 4;
  }
  return o;
}

/** Writes approximateArrivalTimestamp exactly as `String(arrivalMs / 1000)` reads (see arrivalLength). */
function putArrival(buf: Buffer, o: number, arrivalMs: number): number {
  if (!Number.isSafeInteger(arrivalMs) || arrivalMs < 0)
    return o + buf.write(String(arrivalMs / 1000), o, 'latin1');
  let ms = arrivalMs % 1000;
  let secs = (arrivalMs - ms) / 1000;
  const d = digitCount(secs);
  for (let k = d - 1; k >= 0; k--) {
    buf[o + k] = 0x30 + (secs % 10);
    secs = Math.floor(secs / 10);
  }
  o += d;
  if (ms === 0) return o;
  buf[o++] = 0x2e; // .
  for (let unit = 100; ms > 0; unit /= 10) {
    const digit = Math.floor(ms / unit);
    buf[o++] = 0x30 + digit;
    ms -= digit * unit;
  }
  return o;
}

/** Writes the record's entry at `o` (its `bytes` are free there); returns the offset after it. */
function writeEntry(buf: Buffer, o: number, r: KinesisRecord, c: EventContext): number {
  const stored = r.stored;
  buf.set(OPEN, o);
  o += OPEN.length;
  if (stored) {
    const bytes = stored.bytes;
    const ks = stored.keyStart;
    const ds = stored.dataStart;
    if (plainJsonString(bytes, ks, ds)) {
      buf[o++] = 0x22;
      for (let i = ks; i < ds; i++) buf[o++] = bytes[i]!;
      buf[o++] = 0x22;
    } else {
      o += buf.write(JSON.stringify(r.partitionKey), o, 'utf8');
    }
  } else {
    const key = r.partitionKey;
    if (key.length <= 32 && plainKey(key)) {
      buf[o] = 0x22;
      o = putAscii(buf, o + 1, key);
      buf[o++] = 0x22;
    } else {
      o += buf.write(JSON.stringify(key), o, 'utf8');
    }
  }
  buf.set(SEQUENCE, o);
  o += SEQUENCE.length;
  const seqAt = o;
  o = putAscii(buf, o, r.sequenceNumber); // digits only
  const seqEnd = o;
  buf.set(DATA, o);
  o += DATA.length;
  if (stored) {
    o = putBase64(buf, o, stored.bytes, stored.dataStart, stored.dataEnd);
  } else {
    const d = r.data;
    o = putBase64(buf, o, d, 0, d.length);
  }
  buf.set(ARRIVAL, o);
  o = putArrival(buf, o + ARRIVAL.length, r.arrival);
  buf.set(c.eventIdPrefix, o);
  o += c.eventIdPrefix.length;
  buf.copyWithin(o, seqAt, seqEnd);
  o += seqEnd - seqAt;
  buf.set(c.tail, o);
  return o + c.tail.length;
}

/** The record's entry as text (tests and diagnostics; payloads are written with `buildPayload`). */
export function entryJson(e: EncodedRecord, c: EventContext): string {
  // Room to spare, so that a wrong size shows as a length mismatch rather than a cut entry.
  const buf = Buffer.allocUnsafe(e.bytes + 64);
  return buf.toString('utf8', 0, writeEntry(buf, 0, e.record, c));
}

const ENVELOPE_BYTES = '{"Records":[]}'.length;

/** Bytes of the payload holding these records. */
export function payloadBytes(records: ReadonlyArray<EncodedRecord>): number {
  let n = ENVELOPE_BYTES + Math.max(0, records.length - 1);
  for (const r of records) n += r.bytes;
  return n;
}

/** How many of `queue` (from its head) fit in one batch: at most batchSize and the sync payload limit. */
export function batchCut(queue: ReadonlyArray<EncodedRecord>, batchSize: number, extraBytes = 0): number {
  let bytes = ENVELOPE_BYTES + extraBytes;
  let n = 0;
  const max = Math.min(batchSize, queue.length);
  while (n < max) {
    const add = queue[n]!.bytes + (n > 0 ? 1 : 0);
    // A single record always fits (1 MiB of data is far below 6 MB once base64-encoded).
    if (n > 0 && bytes + add > MAX_SYNC_PAYLOAD_BYTES) break;
    bytes += add;
    n++;
  }
  return n;
}

/**
 * Writes `{"Records":[...]` — the entries, comma-separated, and the closing bracket — into `buf` at `o`;
 * returns the offset after it. The caller sized `buf` with `payloadBytes` (plus whatever it adds after).
 */
export function writeRecords(
  buf: Buffer,
  o: number,
  records: ReadonlyArray<EncodedRecord>,
  c: EventContext,
): number {
  o += buf.write('{"Records":[', o, 'latin1');
  for (let i = 0; i < records.length; i++) {
    if (i > 0) buf[o++] = 0x2c; // ,
    o = writeEntry(buf, o, records[i]!.record, c);
  }
  buf[o++] = 0x5d; // ]
  return o;
}

/**
 * The payload bytes, written entry by entry into a buffer of the size already known: no entry exists as a
 * string, so nothing per record outlives the batch but the record itself.
 */
export function buildPayload(records: ReadonlyArray<EncodedRecord>, c: EventContext): Buffer {
  const buf = Buffer.allocUnsafe(payloadBytes(records));
  const o = writeRecords(buf, 0, records, c);
  buf[o] = 0x7d; // }
  return buf;
}
