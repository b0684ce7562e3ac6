import type { KinesisRecord } from '../../kinesis/model.js';

/** Lambda's synchronous invocation payload limit (6 MB). A batch that would exceed it is cut. */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** What is the same for every record of a mapping's events in one shard. */
export interface EventContext {
  shardId: string;
  streamArn: string;
  region: string;
  /** The function's execution role (invokeIdentityArn). */
  role: string;
  /** Record entry text from the end of `kinesis` up to the sequence number in `eventID`. */
  readonly eventIdPrefix: string;
  /** Record entry text after `eventID`'s sequence number, to the end of the entry. */
  readonly tail: string;
  /** UTF-8 bytes of `tail` beyond its length in characters (a non-ASCII role or ARN). */
  readonly tailExtraBytes: number;
}

/** Builds a context, with the entry text that only depends on it written once. */
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
    eventIdPrefix: `,"eventSource":"aws:kinesis","eventVersion":"1.0","eventID":"${c.shardId}:`,
    tail,
    tailExtraBytes: Buffer.byteLength(tail) - tail.length,
  };
}

/** One record, serialised once: its JSON and its byte length in the payload. */
export interface EncodedRecord {
  record: KinesisRecord;
  json: string;
  bytes: number;
}

/**
 * The record entry of AWS's Kinesis event (doc: "Example Kinesis record event"), built as a string so
 * a batch's size is known exactly before it is sent.
 */
export function encodeRecord(r: KinesisRecord, c: EventContext): EncodedRecord {
  const key = JSON.stringify(r.partitionKey);
  const d = r.data;
  const data = (Buffer.isBuffer(d) ? d : Buffer.from(d.buffer, d.byteOffset, d.byteLength)).toString(
    'base64',
  );
  const json =
    `{"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":${key},"sequenceNumber":"${r.sequenceNumber}",` +
    `"data":"${data}","approximateArrivalTimestamp":${r.arrival / 1000}}${c.eventIdPrefix}${r.sequenceNumber}${c.tail}`;
  // Only the key and the fixed tail (role, ARNs) may hold non-ASCII characters: count their extra UTF-8 bytes.
  const bytes = json.length + Buffer.byteLength(key) - key.length + c.tailExtraBytes;
  return { record: r, json, bytes };
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
 * The payload bytes, written entry by entry into a buffer of the size already known: joining the entries into one
 * string first would make V8 flatten it and measure its UTF-8 length again before copying it.
 */
export function buildPayload(records: ReadonlyArray<EncodedRecord>): Buffer {
  const buf = Buffer.allocUnsafe(payloadBytes(records));
  let o = buf.write('{"Records":[', 0, 'latin1');
  for (let i = 0; i < records.length; i++) {
    if (i > 0) buf[o++] = 0x2c; // ,
    const r = records[i]!;
    // An entry whose byte count equals its length is ASCII: copied byte for byte.
    o += buf.write(r.json, o, r.bytes === r.json.length ? 'latin1' : 'utf8');
  }
  buf[o] = 0x5d; // ]
  buf[o + 1] = 0x7d; // }
  return buf;
}
