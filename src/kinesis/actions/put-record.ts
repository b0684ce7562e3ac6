import { MAX_RECORD_BYTES } from '../model.js';
import { bareError, InvalidArgument } from '../../server/errors.js';
import { operation } from '../../server/operations.js';
import { blob, required, string, structure } from '../../server/shapes.js';
import { MAX_HASH_KEY } from '../hash-keys.js';
import { STREAM_TARGET, streamName, type KinesisContext } from '../kinesis-context.js';
import { orderingCheck, SEQUENCE_NUMBER_PATTERN } from '../sequence-numbers.js';

export const HASH_KEY_PATTERN = /0|([1-9]\d{0,38})/;
/** A record's members (PutRecord's, and each of PutRecords' entries). */
export const RECORD = {
  /** 1-256 Unicode characters. */
  PartitionKey: required(string({ min: 1, max: 256 })),
  ExplicitHashKey: string({ pattern: HASH_KEY_PATTERN }),
  Data: required(blob({ max: MAX_RECORD_BYTES })),
};

/** Parses and range-checks an ExplicitHashKey (a decimal 128-bit integer; the pattern is checked before). */
export function parseExplicitHashKey(value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  if (!/^(0|[1-9]\d{0,38})$/.test(value)) return undefined;
  const key = BigInt(value);
  if (key > MAX_HASH_KEY) {
    throw InvalidArgument(
      `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${value}`,
    );
  }
  return key;
}

/**
 * The 1 MiB rule counts the partition key too (a blob over 1 MiB on its own is already a
 * ValidationException on `data`).
 */
export function checkRecordSize(data: Uint8Array, partitionKey: string): number {
  const size = data.length + Buffer.byteLength(partitionKey);
  if (size > MAX_RECORD_BYTES) {
    throw InvalidArgument(
      `Record size exceeds the maximum allowed size of 1 MiB (data blob plus partition key). Record size: ${size} bytes.`,
    );
  }
  return size;
}

/**
 * PutRecord: routes by MD5(PartitionKey) or ExplicitHashKey to the open shard covering it; the response
 * is sent once the record is durable. A SequenceNumberForOrdering must be a sequence number AWS can read
 * (checked after the stream lookup, as AWS does: see orderingCheck); beyond that it asks for nothing more,
 * since our sequence numbers always increase within a shard.
 */
export const putRecord = operation({
  input: structure({
    SequenceNumberForOrdering: string({ pattern: SEQUENCE_NUMBER_PATTERN }),
    ...RECORD,
    ...STREAM_TARGET,
  }),
  async run(k: KinesisContext, input) {
    const { Data: data, PartitionKey: partitionKey } = input;
    checkRecordSize(data, partitionKey);
    const hashKey = parseExplicitHashKey(input.ExplicitHashKey);
    const name = streamName(k, input);
    const ordering = input.SequenceNumberForOrdering;
    if (ordering !== undefined) checkOrdering(k, name, ordering);
    const meta = k.streams.find(name);
    const [result] = await k.streams.put(name, [{ data, partitionKey, explicitHashKey: hashKey }]);
    // KMS once StartStreamEncryption was called ("you can verify that encryption is applied by inspecting the
    // API response from PutRecord or PutRecords", its API reference); the records are stored as they are.
    return {
      ShardId: result!.shardId,
      SequenceNumber: result!.sequenceNumber,
      EncryptionType: meta?.encryptionType ?? 'NONE',
    };
  },
});

/** Refuses a SequenceNumberForOrdering AWS cannot read, once the stream is known to exist. */
function checkOrdering(k: KinesisContext, name: string, seq: string): void {
  k.streams.getVisible(name);
  const check = orderingCheck(seq, Date.now());
  // AWS fails inside on a version 3 number (kinesalite's PutRecord tests): the same bare 500, deliberately.
  if (check === 'internal-failure') throw bareError('InternalFailure', 500);
  if (check === 'invalid') {
    throw InvalidArgument(
      `ExclusiveMinimumSequenceNumber ${seq} used in PutRecord on stream ${name} under account ${k.streams.account} is invalid.`,
    );
  }
}
