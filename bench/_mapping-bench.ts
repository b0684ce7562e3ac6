/**
 * What the mapping benches share (bench/mappings.ts, bench/auth.ts): a no-op Node.js function, waiting for a
 * mapping's delivered count, and the throughput of one mapping over a pre-filled stream. Files starting with `_`
 * are not run as benches.
 */
import { CreateStreamCommand, type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { once } from 'node:events';
import type { App } from '../src/app/app.js';
import { hooks } from '../test/harness/hooks.js';
import { zipFiles } from '../test/mappings/mapping-fixtures.js';

export const ROLE = 'arn:aws:iam::000000000000:role/bench';

export async function createBenchFunction(
  l: LambdaClient,
  name: string,
  code: string,
  env: Record<string, string> = {},
  role = ROLE,
): Promise<void> {
  await l.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: role,
      MemorySize: 512,
      Code: { ZipFile: await zipFiles({ 'index.mjs': code }) },
      Environment: { Variables: env },
    }),
  );
}

/** Resolves once the mapping has delivered `count` records (its `batch` events, no polling). */
export async function delivered(app: App, uuid: string, count: number): Promise<void> {
  while ((hooks(app).metricRecorder.mappings.get(uuid)?.records ?? 0) < count)
    await once(hooks(app).mappings, 'batch');
}

export interface Throughput {
  /** Records per second from the mapping's creation to its last batch. */
  rps: number;
  /** Records per second over the last three quarters (without the cold start). */
  sustained: number;
  batches: number;
  /** This process's CPU over the run, in cores. */
  cores: number;
}

/**
 * Fills a new `shards`-shard stream with `total` 100 B records, then maps a no-op function on it from TRIM_HORIZON
 * with `batchSize` and measures until every record is delivered.
 */
export async function mappingThroughput(
  app: App,
  k: KinesisClient,
  l: LambdaClient,
  o: { name: string; batchSize: number; total: number; shards?: number; role?: string },
): Promise<Throughput> {
  const { name, batchSize, total } = o;
  await createBenchFunction(l, name, 'export const handler = async () => {};', {}, o.role);
  await k.send(new CreateStreamCommand({ StreamName: name, ShardCount: o.shards ?? 4 }));
  const data = Buffer.alloc(100, 'x');
  const puts: Array<Promise<unknown>> = [];
  for (let i = 0; i < total; i += 500) {
    puts.push(
      k.send(
        new PutRecordsCommand({
          StreamName: name,
          Records: Array.from({ length: 500 }, (_, j) => ({ Data: data, PartitionKey: `p${i + j}` })),
        }),
      ),
    );
    if (puts.length >= 8) await Promise.all(puts.splice(0));
  }
  await Promise.all(puts);
  const started = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const m = await l.send(
    new CreateEventSourceMappingCommand({
      FunctionName: name,
      EventSourceArn: hooks(app).streams.get(name).arn,
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: batchSize,
    }),
  );
  // Sustained rate: from the batch that brings the delivered count past a quarter of the records to the last
  // one, leaving out the mapping's start (workers starting cold, code not yet optimised).
  let quarter: { at: bigint; records: number } | undefined;
  const onBatch = (): void => {
    const n = hooks(app).metricRecorder.mappings.get(m.UUID!)?.records ?? 0;
    if (!quarter && n >= total / 4) quarter = { at: process.hrtime.bigint(), records: n };
  };
  hooks(app).mappings.on('batch', onBatch);
  await delivered(app, m.UUID!, total);
  hooks(app).mappings.off('batch', onBatch);
  const ended = process.hrtime.bigint();
  const secs = Number(ended - started) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return {
    rps: total / secs,
    sustained: quarter ? (total - quarter.records) / (Number(ended - quarter.at) / 1e9) : NaN,
    batches: hooks(app).metricRecorder.mappings.get(m.UUID!)!.batches,
    cores: (cpu.user + cpu.system) / 1e6 / secs,
  };
}
