import { InvalidArgument } from '../../server/errors.js';
import { Validator } from '../../server/validator.js';
import { streamTarget, type KinesisContext } from '../kinesis-context.js';
import { shardShape } from './describe-stream.js';

const FILTER_TYPES = [
  'AFTER_SHARD_ID',
  'AT_TRIM_HORIZON',
  'FROM_TRIM_HORIZON',
  'AT_LATEST',
  'AT_TIMESTAMP',
  'FROM_TIMESTAMP',
] as const;

/** NextToken is opaque: base64 of the stream name, its salt and the last shard id returned. */
function encodeToken(stream: string, salt: number, lastShardId: string, maxResults: number): string {
  return Buffer.from(JSON.stringify([stream, salt, lastShardId, maxResults, Date.now()])).toString('base64');
}

export async function listShards(k: KinesisContext, input: Record<string, unknown>): Promise<unknown> {
  const v = new Validator(input);
  const target = streamTarget(v, k, false);
  const nextToken = v.string('NextToken', { min: 1, max: 1048576 });
  const maxResults = v.integer('MaxResults', { min: 1, max: 10000 }) ?? 1000;
  const after = v.string('ExclusiveStartShardId', { min: 1, max: 128, pattern: /[a-zA-Z0-9_.-]+/ });
  const filter = v.map('ShardFilter');
  const filterType = filter
    ? v.enumeration('Type', FILTER_TYPES, { required: true, path: 'shardFilter.type', value: filter['Type'] })
    : undefined;
  v.check();
  let stream = target();
  let start = after;
  if (nextToken !== undefined) {
    if (stream !== '') {
      throw InvalidArgument('NextToken and StreamName cannot be provided together.');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(nextToken, 'base64').toString('utf8'));
    } catch {
      throw InvalidArgument('Invalid ShardIterator.'.replace('ShardIterator', 'NextToken'));
    }
    if (!Array.isArray(parsed) || parsed.length !== 5) throw InvalidArgument('Invalid NextToken.');
    stream = String(parsed[0]);
    start = String(parsed[2]);
  } else if (stream === '') {
    throw InvalidArgument('Either NextToken or StreamName should be provided.');
  }
  const meta = k.streams.get(stream);
  let shards = [...meta.shards].sort((a, b) => a.index - b.index);
  const ft = filterType;
  if (ft === 'AFTER_SHARD_ID') {
    const id = filter?.['ShardId'];
    if (typeof id !== 'string') throw InvalidArgument('ShardId must be specified when ShardFilter type is AFTER_SHARD_ID.');
    shards = shards.filter((s) => s.shardId > id);
  } else if (ft === 'AT_LATEST') {
    shards = shards.filter((s) => s.endPosition === undefined);
  } else if (ft === 'AT_TIMESTAMP' || ft === 'FROM_TIMESTAMP') {
    const ts = new Validator(filter ?? {}).timestamp('Timestamp');
    if (ts === undefined) throw InvalidArgument('Timestamp must be specified when ShardFilter type is AT_TIMESTAMP or FROM_TIMESTAMP.');
    // Shards open at (or, for FROM_, after) the timestamp.
    shards = shards.filter((s) => (s.closedAt === undefined || s.closedAt > ts) && (ft === 'FROM_TIMESTAMP' || s.createdAt <= ts || s.parentShardId === undefined));
  } else if (ft === 'AT_TRIM_HORIZON') {
    // Shards open at the trim horizon: those with no parent still holding data.
    const ids = new Set(meta.shards.map((s) => s.shardId));
    shards = shards.filter((s) => s.parentShardId === undefined || !ids.has(s.parentShardId));
  }
  if (start !== undefined) shards = shards.filter((s) => s.shardId > start!);
  const page = shards.slice(0, maxResults);
  const out: Record<string, unknown> = { Shards: page.map((s) => shardShape(meta, s)) };
  if (shards.length > maxResults && page.length > 0) {
    out['NextToken'] = encodeToken(stream, meta.createdAt, page[page.length - 1]!.shardId, maxResults);
  }
  return out;
}
