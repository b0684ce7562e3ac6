import { InvalidArgument } from '../../server/errors.js';
import { Validator } from '../../server/validator.js';
import { MAX_HASH_KEY } from '../hash-keys.js';
import { streamTarget, type KinesisContext } from '../kinesis-context.js';
import { SEQUENCE_NUMBER_PATTERN } from '../sequence-numbers.js';

/** 1 MiB: the maximum size of a record's data blob plus its partition key. */
export const MAX_RECORD_BYTES = 1024 * 1024;
const HASH_KEY_PATTERN = /0|([1-9]\d{0,38})/;

/** Parses and range-checks an ExplicitHashKey (a decimal 128-bit integer). */
export function parseExplicitHashKey(value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  if (!/^(0|[1-9]\d{0,38})$/.test(value)) return undefined;
  const key = BigInt(value);
  if (key > MAX_HASH_KEY) {
    throw InvalidArgument(`Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${value}`);
  }
  return key;
}

export function checkRecordSize(data: Buffer, partitionKey: string): void {
  const size = data.length + Buffer.byteLength(partitionKey);
  if (size > MAX_RECORD_BYTES) {
    throw InvalidArgument(`Record size exceeds the maximum allowed size of 1 MB. Record size: ${size} bytes.`);
  }
}

export async function putRecord(k: KinesisContext, input: Record<string, unknown>): Promise<unknown> {
  const v = new Validator(input);
  const target = streamTarget(v, k);
  const data = v.blob('Data', { required: true, max: MAX_RECORD_BYTES });
  const partitionKey = v.string('PartitionKey', { required: true, min: 1, max: 256 });
  const explicit = v.string('ExplicitHashKey', { pattern: HASH_KEY_PATTERN });
  // Our sequence numbers always increase within a shard, which is what SequenceNumberForOrdering asks for.
  v.string('SequenceNumberForOrdering', { pattern: SEQUENCE_NUMBER_PATTERN });
  v.check();
  checkRecordSize(data!, partitionKey!);
  const hashKey = parseExplicitHashKey(explicit);
  const [result] = await k.streams.put(target(), [{ data: data!, partitionKey: partitionKey!, explicitHashKey: hashKey }]);
  return { ShardId: result!.shardId, SequenceNumber: result!.sequenceNumber, EncryptionType: 'NONE' };
}
