import { InvalidArgument, ResourceInUse } from '../../server/errors.js';
import { operation } from '../../server/operations.js';
import { integer, required, string, structure, timestamp, type Infer } from '../../server/shapes.js';
import { STREAM_TARGET, streamName, type KinesisContext } from '../kinesis-context.js';
import type { ShardMeta, StreamMeta } from '../model.js';
import { decodeNextToken, encodeNextToken } from '../next-tokens.js';
import { parentsOf } from '../reshard.js';
import { shardShape, shardsInOrder } from './describe-stream.js';

const FILTER_TYPES = [
  'AFTER_SHARD_ID',
  'AT_TRIM_HORIZON',
  'FROM_TRIM_HORIZON',
  'AT_LATEST',
  'AT_TIMESTAMP',
  'FROM_TIMESTAMP',
] as const;
type FilterType = (typeof FILTER_TYPES)[number];
/** ListShards returns at most this many shards per call, whatever MaxResults asks for. */
const MAX_SHARDS_PER_CALL = 1000;
const SHARD_ID = /[a-zA-Z0-9_.-]+/;

interface Filter {
  type: FilterType;
  shardId?: string;
  timestamp?: number;
}

/**
 * Shards as a ShardFilter selects them. The trim horizon is `now - retention`: closed shards older than
 * that are already dropped by the registry, so "within retention" is every listed shard.
 */
function applyFilter(meta: StreamMeta, shards: ShardMeta[], f: Filter | undefined): ShardMeta[] {
  if (f === undefined || f.type === 'FROM_TRIM_HORIZON') return shards;
  const ids = new Set(shards.map((s) => s.shardId));
  // Open at the trim horizon: shards none of whose parents are still listed.
  const atTrimHorizon = (s: ShardMeta): boolean => parentsOf(s).every((p) => !ids.has(p));
  switch (f.type) {
    case 'AFTER_SHARD_ID':
      return shards.filter((s) => s.shardId > f.shardId!);
    case 'AT_LATEST':
      return shards.filter((s) => s.endPosition === undefined);
    case 'AT_TRIM_HORIZON':
      return shards.filter(atTrimHorizon);
    case 'AT_TIMESTAMP': {
      // A time before the stream existed is corrected to the trim horizon.
      const ts = f.timestamp!;
      if (ts <= meta.createdAt) return shards.filter(atTrimHorizon);
      return shards.filter((s) => s.createdAt <= ts && (s.closedAt === undefined || s.closedAt >= ts));
    }
    case 'FROM_TIMESTAMP': {
      const ts = f.timestamp!;
      return shards.filter((s) => s.closedAt === undefined || s.closedAt >= ts);
    }
  }
}

/**
 * ListShards: StreamName/StreamARN or NextToken (never both), ExclusiveStartShardId, MaxResults (1-10000,
 * default and cap 1000) and ShardFilter. A NextToken carries the stream, the position and the filter.
 */
const INPUT = structure({
  ExclusiveStartShardId: string({ min: 1, max: 128, pattern: SHARD_ID }),
  MaxResults: integer({ min: 1, max: 10000 }),
  NextToken: string({ min: 1, max: 1048576 }),
  StreamCreationTimestamp: timestamp(),
  ...STREAM_TARGET,
  ShardFilter: structure({
    Type: required(string({ enum: FILTER_TYPES })),
    ShardId: string({ min: 1, max: 128, pattern: SHARD_ID }),
    Timestamp: timestamp(),
  }),
});

export const listShards = operation({
  input: INPUT,
  run: (k: KinesisContext, input) => shardsPage(k, input),
});

async function shardsPage(k: KinesisContext, input: Infer<typeof INPUT>): Promise<Record<string, unknown>> {
  const nextToken = input.NextToken;
  const maxResults = Math.min(input.MaxResults ?? MAX_SHARDS_PER_CALL, MAX_SHARDS_PER_CALL);
  const exclusiveStart = input.ExclusiveStartShardId;
  const f = input.ShardFilter;
  let filter: Filter | undefined = f && {
    type: f.Type as FilterType,
    shardId: f.ShardId,
    timestamp: f.Timestamp,
  };
  let stream = streamName(k, input, false);
  let after = exclusiveStart;
  if (nextToken !== undefined) {
    if (stream !== '') throw InvalidArgument('NextToken and StreamName cannot be provided together.');
    if (exclusiveStart !== undefined)
      throw InvalidArgument('NextToken and ExclusiveStartShardId cannot be provided together.');
    const resume = decodeNextToken('ListShards', nextToken);
    stream = String(resume['stream']);
    after = typeof resume['after'] === 'string' ? resume['after'] : undefined;
    filter = (resume['filter'] as Filter | undefined) ?? filter;
  } else if (stream === '') {
    throw InvalidArgument('Either NextToken or StreamName should be provided.');
  }
  if (filter?.type === 'AFTER_SHARD_ID' && filter.shardId === undefined) {
    throw InvalidArgument('ShardId must be specified when ShardFilter type is AFTER_SHARD_ID.');
  }
  if (
    (filter?.type === 'AT_TIMESTAMP' || filter?.type === 'FROM_TIMESTAMP') &&
    filter.timestamp === undefined
  ) {
    throw InvalidArgument(`Timestamp must be specified when ShardFilter type is ${filter.type}.`);
  }
  const meta = k.streams.get(stream);
  if (meta.status === 'CREATING') {
    throw ResourceInUse(
      `Stream ${stream} under account ${k.streams.account} not ACTIVE, instead in state CREATING`,
    );
  }
  let shards = applyFilter(meta, shardsInOrder(meta), filter);
  if (after !== undefined) shards = shards.filter((s) => s.shardId > after!);
  const page = shards.slice(0, maxResults);
  const out: Record<string, unknown> = { Shards: page.map((s) => shardShape(meta, s)) };
  if (shards.length > page.length) {
    out['NextToken'] = encodeNextToken('ListShards', {
      stream,
      after: page[page.length - 1]!.shardId,
      ...(filter ? { filter } : {}),
    });
  }
  return out;
}
