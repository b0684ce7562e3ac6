/**
 * The PutRecords load the Kinesis benches share (bench/kinesis.ts, bench/auth.ts, bench/efo.ts): pre-built 500 x 100 B batches
 * with random partition keys (spread over every shard), sent by concurrent callers for a time or a call count.
 * Files starting with `_` are not run as benches.
 */
import { KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { performance } from 'node:perf_hooks';

export const RECORDS_PER_CALL = 500;
export const RECORD_BYTES = 100;
export const CALLERS = Number(process.env.BENCH_CALLERS ?? 8);

/** A bench's client: the SDK's default handler (HTTP/2 for Kinesis) or HTTP/1.1 with a kept-alive pool. */
export function kinesisBenchClient(
  endpoint: string,
  transport: 'h2' | 'h1',
  credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' },
): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
    ...(transport === 'h1'
      ? { requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: 64 } }) }
      : {}),
  });
}

/** Pre-built request bodies: random partition keys spread records over every shard. */
const BATCHES: PutRecordsRequestEntry[][] = Array.from({ length: 32 }, () =>
  Array.from({ length: RECORDS_PER_CALL }, () => ({
    PartitionKey: Math.random().toString(36).slice(2, 12),
    Data: Buffer.alloc(RECORD_BYTES, 'x'),
  })),
);

/** The `i`th of the pre-built batches (they repeat), for a bench that drives its own producers. */
export function putBatch(i: number): PutRecordsRequestEntry[] {
  return BATCHES[i % BATCHES.length]!;
}

export interface Load {
  records: number;
  calls: number;
}

/** CALLERS loops of PutRecords, bounded by `seconds` and `maxCalls`; counts records written. */
export async function putLoad(
  k: KinesisClient,
  stream: string,
  seconds: number,
  maxCalls: number,
): Promise<Load> {
  let calls = 0;
  let records = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (performance.now() < end && calls < maxCalls) {
        const batch = putBatch(calls++);
        const r = await k.send(new PutRecordsCommand({ StreamName: stream, Records: batch }));
        records += batch.length - (r.FailedRecordCount ?? 0);
      }
    }),
  );
  return { records, calls };
}
