import { InvalidArgument } from '../../server/errors.js';
import { operation } from '../../server/operations.js';
import { PreEncodedJson } from '../../server/protocols/rpc.js';
import { list, required, structure } from '../../server/shapes.js';
import { isCoralBase64 } from '../../server/validation-coral.js';
import { STREAM_TARGET, streamName, type KinesisContext } from '../kinesis-context.js';
import { MAX_RECORD_BYTES, type StreamMeta } from '../model.js';
import type { PutEntry, PutResult } from '../stream.js';
import { checkRecordSize, parseExplicitHashKey, RECORD } from './put-record.js';

const MAX_ENTRIES = 500;
/** 5 MiB for the whole request (data + partition keys). */
const MAX_REQUEST_BYTES = 5 * 1024 * 1024;
/** How AWS prints a PutRecordsRequestEntry inside a rejected list value. */
const ENTRY_STR = 'com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@2';

/**
 * PutRecords: 1-500 entries, at most 5 MiB in all. Every entry is validated before anything is written,
 * so a bad request writes nothing; results come back in request order.
 */
export const putRecords = operation({
  input: structure({
    Records: required(
      list(structure(RECORD, { printed: ENTRY_STR }), { min: 1, max: MAX_ENTRIES, fastPath: plainEntries }),
    ),
    ...STREAM_TARGET,
  }),
  async run(k: KinesisContext, input) {
    const records = input.Records;
    const entries = new Array<PutEntry>(records.length);
    let total = 0;
    for (let i = 0; i < records.length; i++) {
      const { Data: data, PartitionKey: partitionKey } = records[i]!;
      total += checkRecordSize(data, partitionKey);
      entries[i] = { data, partitionKey };
    }
    if (total > MAX_REQUEST_BYTES) throw InvalidArgument('Records size exceeds 5 MB limit');
    records.forEach((r, i) => {
      if (r.ExplicitHashKey !== undefined)
        entries[i]!.explicitHashKey = parseExplicitHashKey(r.ExplicitHashKey);
    });
    const name = streamName(k, input);
    // The stream's metadata as it is when the records are answered (KMS once StartStreamEncryption was called).
    const meta = k.streams.find(name);
    return respond(await k.streams.put(name, entries), meta?.encryptionType ?? 'NONE');
  },
});

function respond(results: PutResult[], encryptionType: StreamMeta['encryptionType']): unknown {
  return {
    FailedRecordCount: 0,
    // Up to 500 entries: written as JSON text directly rather than as objects for JSON.stringify.
    Records: new PreEncodedJson(
      () => {
        let s = '[';
        for (let i = 0; i < results.length; i++) {
          const r = results[i]!;
          // Shard ids and sequence numbers are plain ASCII (shardId-NNN, digits): nothing to escape.
          s += `${i === 0 ? '' : ','}{"ShardId":"${r.shardId}","SequenceNumber":"${r.sequenceNumber}"}`;
        }
        return s + ']';
      },
      () => results.map((r) => ({ ShardId: r.shardId, SequenceNumber: r.sequenceNumber })),
    ),
    EncryptionType: encryptionType,
  };
}

/**
 * The common request — 1-500 structures, each with a well-formed Data blob, a PartitionKey of 1-256 UTF-16
 * units and no ExplicitHashKey, within the size limits — is read here without validating each entry member by
 * member (that costs about 2 µs a record, a fifth of a whole put). Returns undefined for anything else, which
 * then goes through the full validation so errors keep AWS's wording; whatever passes here passes there.
 */
function plainEntries(
  records: readonly unknown[],
): Array<{ Data: Buffer; PartitionKey: string }> | undefined {
  if (records.length < 1 || records.length > MAX_ENTRIES) return undefined;
  const entries = new Array<{ Data: Buffer; PartitionKey: string }>(records.length);
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (typeof r !== 'object' || r === null || Array.isArray(r)) return undefined;
    const { Data: d, PartitionKey: partitionKey, ExplicitHashKey: explicit } = r as Record<string, unknown>;
    if (typeof partitionKey !== 'string' || partitionKey.length < 1 || partitionKey.length > 256)
      return undefined;
    if (explicit !== undefined && explicit !== null) return undefined;
    let data: Buffer;
    if (typeof d === 'string') {
      if (!isCoralBase64(d)) return undefined;
      data = Buffer.from(d, 'base64');
    } else if (d instanceof Uint8Array) data = Buffer.from(d.buffer, d.byteOffset, d.byteLength);
    else return undefined;
    const size = data.length + Buffer.byteLength(partitionKey);
    if (size > MAX_RECORD_BYTES) return undefined;
    total += size;
    entries[i] = { Data: data, PartitionKey: partitionKey };
  }
  return total > MAX_REQUEST_BYTES ? undefined : entries;
}
