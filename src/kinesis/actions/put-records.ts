import { InvalidArgument } from '../../server/errors.js';
import { Validator } from '../../server/validator.js';
import { streamTarget, type KinesisContext } from '../kinesis-context.js';
import type { PutEntry } from '../stream-registry.js';
import { MAX_RECORD_BYTES, parseExplicitHashKey } from './put-record.js';

const MAX_ENTRIES = 500;
/** 5 MiB for the whole request (data + partition keys). */
const MAX_REQUEST_BYTES = 5 * 1024 * 1024;

export async function putRecords(k: KinesisContext, input: Record<string, unknown>): Promise<unknown> {
  const v = new Validator(input);
  const target = streamTarget(v, k);
  const records = v.list('Records');
  if (records === undefined) v.fail('records', null, 'Member must not be null');
  else if (records.length < 1) v.fail('records', records, 'Member must have length greater than or equal to 1');
  else if (records.length > MAX_ENTRIES) {
    v.fail('records', records, `Member must have length less than or equal to ${MAX_ENTRIES}`);
  }
  const entries: PutEntry[] = [];
  let total = 0;
  (records ?? []).slice(0, MAX_ENTRIES).forEach((raw, i) => {
    if (typeof raw !== 'object' || raw === null) throw InvalidArgument(`Records member ${i + 1} must be a structure.`);
    const r = raw as Record<string, unknown>;
    const rv = new Validator(r);
    const data = rv.blob('Data', { required: true, max: MAX_RECORD_BYTES, path: `records.${i + 1}.member.data` });
    const partitionKey = rv.string('PartitionKey', { required: true, min: 1, max: 256, path: `records.${i + 1}.member.partitionKey` });
    const explicit = rv.string('ExplicitHashKey', { pattern: /0|([1-9]\d{0,38})/, path: `records.${i + 1}.member.explicitHashKey` });
    v.issues.push(...rv.issues);
    if (data && partitionKey !== undefined) {
      const size = data.length + Buffer.byteLength(partitionKey);
      total += size;
      if (size > MAX_RECORD_BYTES) {
        throw InvalidArgument(`Record size exceeds the maximum allowed size of 1 MB. Record size: ${size} bytes.`);
      }
      entries.push({ data, partitionKey, explicitHashKey: parseExplicitHashKey(explicit) });
    }
  });
  v.check();
  if (total > MAX_REQUEST_BYTES) {
    throw InvalidArgument(`Records size exceeds 5 MB limit. Records size: ${total} bytes.`);
  }
  const results = await k.streams.put(target(), entries);
  return {
    FailedRecordCount: 0,
    Records: results.map((r) => ({ ShardId: r.shardId, SequenceNumber: r.sequenceNumber })),
    EncryptionType: 'NONE',
  };
}
