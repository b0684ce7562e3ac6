import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  type _Record,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-kinesis';
import { compileFilterCriteria, type CompiledFilter } from '../mappings/filter/index.js';
import { AwsError } from '../server/errors.js';
import { CliError, paint, sdkConfig, serverEndpoint, type ServerFlags } from './common.js';

export interface TailFlags extends ServerFlags {
  /** trim-horizon, latest, or a timestamp (ISO 8601 or epoch seconds). */
  from?: string;
  /** An event filtering pattern (Lambda FilterCriteria's `Pattern`). */
  filter?: string;
  /** false with --no-follow: stop once every shard is read to its tip. */
  follow?: boolean;
}

/** How long a caught-up shard waits before its next GetRecords (Kinesis allows 5 per second per shard). */
const IDLE_MS = 250;

type Start = { type: ShardIteratorType; timestamp?: Date };

function startOf(from: string | undefined): Start {
  const f = (from ?? 'latest').toLowerCase();
  if (f === 'latest') return { type: 'LATEST' };
  if (f === 'trim-horizon' || f === 'trim_horizon') return { type: 'TRIM_HORIZON' };
  const ms = /^\d+(\.\d+)?$/.test(f) ? Number(f) * 1000 : Date.parse(from!);
  if (!Number.isFinite(ms))
    throw new CliError(`--from must be trim-horizon, latest or a timestamp, got ${from}`, 2);
  return { type: 'AT_TIMESTAMP', timestamp: new Date(ms) };
}

/** The pattern compiled by the mappings' own filter engine, so what `tail --filter` shows is what a mapping delivers. */
function filterOf(pattern: string | undefined): CompiledFilter | undefined {
  if (pattern === undefined) return undefined;
  try {
    return compileFilterCriteria({ Filters: [{ Pattern: pattern }] });
  } catch (err) {
    if (err instanceof AwsError) throw new CliError(`--filter: ${err.message}`, 2);
    throw err;
  }
}

/**
 * `tributary tail STREAM [--from trim-horizon|latest|TIMESTAMP] [--filter PATTERN] [--no-follow]`: prints a
 * stream's records as they arrive, from every shard (children of a reshard included, from their start).
 */
export async function tail(
  stream: string,
  flags: TailFlags,
  out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
): Promise<number> {
  const start = startOf(flags.from);
  const filter = filterOf(flags.filter);
  const follow = flags.follow !== false;
  const client = new KinesisClient(sdkConfig(serverEndpoint(flags)));
  const p = paint(out);
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  /** Shard id -> its iterator (null once read to the end of a closed shard). */
  const iterators = new Map<string, string | null>();
  const print = (shardId: string, r: _Record): void => {
    const data = Buffer.from(r.Data ?? new Uint8Array());
    const arrival = r.ApproximateArrivalTimestamp?.getTime() ?? 0;
    if (
      filter &&
      !filter.matches({
        partitionKey: r.PartitionKey ?? '',
        sequenceNumber: r.SequenceNumber ?? '',
        approximateArrivalTimestamp: arrival / 1000,
        data,
      })
    )
      return;
    const text = data.toString('utf8');
    const printable = Buffer.from(text, 'utf8').equals(data);
    if (flags.json) {
      out.write(
        JSON.stringify({
          ShardId: shardId,
          SequenceNumber: r.SequenceNumber,
          PartitionKey: r.PartitionKey,
          ApproximateArrivalTimestamp: new Date(arrival).toISOString(),
          Data: data.toString('base64'),
          ...(printable ? { Text: text } : {}),
        }) + '\n',
      );
    } else {
      out.write(
        `${p.dim(new Date(arrival).toISOString())} ${p.dim(shardId)} ${p.bold(r.PartitionKey ?? '')} ${
          printable ? text : `base64:${data.toString('base64')}`
        }\n`,
      );
    }
  };
  const discover = async (first: boolean): Promise<void> => {
    const shards: Shard[] = [];
    let token: string | undefined;
    do {
      const r = await client.send(
        new ListShardsCommand(token ? { NextToken: token } : { StreamName: stream }),
        { abortSignal: ac.signal },
      );
      shards.push(...(r.Shards ?? []));
      token = r.NextToken;
    } while (token);
    for (const s of shards) {
      if (iterators.has(s.ShardId!)) continue;
      // Shards that appear later (a reshard's children) are read from their start.
      const from: Start = first ? start : { type: 'TRIM_HORIZON' };
      const r = await client.send(
        new GetShardIteratorCommand({
          StreamName: stream,
          ShardId: s.ShardId,
          ShardIteratorType: from.type,
          Timestamp: from.timestamp,
        }),
        { abortSignal: ac.signal },
      );
      iterators.set(s.ShardId!, r.ShardIterator ?? null);
    }
  };
  try {
    await discover(true);
    while (!ac.signal.aborted) {
      let caughtUp = true;
      let closed = false;
      for (const [shardId, it] of iterators) {
        if (it === null) continue;
        const r = await client.send(new GetRecordsCommand({ ShardIterator: it }), { abortSignal: ac.signal });
        for (const rec of r.Records ?? []) print(shardId, rec);
        iterators.set(shardId, r.NextShardIterator ?? null);
        if (!r.NextShardIterator) closed = true;
        if ((r.Records?.length ?? 0) > 0 || (r.MillisBehindLatest ?? 0) > 0) caughtUp = false;
      }
      if (closed || follow) await discover(false);
      if (caughtUp && !follow) break;
      if (caughtUp) await pause(IDLE_MS, ac.signal);
    }
    return 0;
  } catch (err) {
    if (ac.signal.aborted) return 0;
    throw err;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    client.destroy();
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}
