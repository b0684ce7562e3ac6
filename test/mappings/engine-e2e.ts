// Drives the model's operations against the real server (`tributary up` as a process, kill -9 included) with real
// worker processes, through the SDK, and checks the result against the reference model (engine-model.ts). Used by
// test/engine-model-e2e.test.ts (a fixed seed) and scripts/soak.ts (`npm run soak`: minutes of random seeds).
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListShardsCommand,
  MergeShardsCommand,
  PutRecordsCommand,
  SplitShardCommand,
  UpdateShardCountCommand,
} from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  GetEventSourceMappingCommand,
  LambdaClient,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { clientConfig, tempDir, waitFor } from '../harness/helpers.js';
import fc from 'fast-check';
import { EngineModel, opArb, setupArb, type MappingSetup, type Op } from './engine-model.js';
import { ROLE, zipFiles } from './mapping-fixtures.js';
import { spawnServer, type ServerProcess } from '../harness/server-process.js';

const STREAM = 'soak';

/**
 * The function: appends one line per invoke to $OUT ({ids, ok}: the ids it processed successfully, in order), then
 * fails as $FAULTS (a file the driver rewrites) says: a record whose data starts with `poison` always fails; others
 * fail at random at `failPct`. With ReportBatchItemFailures it may report the failed record instead of throwing.
 */
const HANDLER = `
import { appendFileSync, readFileSync } from 'node:fs';
export const handler = async (event) => {
  const recs = event.Records ?? [];
  const ids = recs.map((r) => Buffer.from(r.kinesis.data, 'base64').toString());
  let f = { failPct: 0, rbif: false };
  try { f = JSON.parse(readFileSync(process.env.FAULTS, 'utf8')); } catch {}
  let failAt = ids.findIndex((id) => id.startsWith('poison'));
  if (failAt < 0 && ids.length > 0 && Math.random() * 100 < f.failPct) failAt = Math.floor(Math.random() * ids.length);
  const partial = failAt >= 0 && f.rbif && Math.random() < 0.5;
  const ok = failAt < 0 ? ids : partial ? ids.slice(0, failAt) : [];
  appendFileSync(process.env.OUT, JSON.stringify({ ids, ok }) + '\\n');
  // Tumbling windows: the function answers with its state (the final invoke of a window has no records).
  const state = event.window ? { state: { count: (event.state?.count ?? 0) + ok.length } } : {};
  if (failAt < 0) return state;
  if (partial) return { ...state, batchItemFailures: [{ itemIdentifier: recs[failAt].kinesis.sequenceNumber }] };
  throw new Error('failed at ' + ids[failAt]);
};
`;

interface Clients {
  k: KinesisClient;
  l: LambdaClient;
  sqs: SQSClient;
}

export class RealServerEngine {
  readonly model = new EngineModel();
  readonly dataDir = tempDir('tributary-soak-');
  readonly #out = join(this.dataDir, '..', `${this.dataDir.split('/').pop()}-invokes.jsonl`);
  readonly #faults = join(this.dataDir, '..', `${this.dataDir.split('/').pop()}-faults.json`);
  readonly coverage: Record<string, number> = {};
  #server: ServerProcess | undefined;
  #c: Clients | undefined;
  #uuid = '';
  #queueUrl = '';
  #rbif = false;
  #transport: 'h2' | 'h1';
  #gen = 0;
  /** Lines of the function's output already given to the model. */
  #linesRead = 0;
  #discardsRead = 0;

  constructor(transport: 'h2' | 'h1' = 'h2') {
    this.#transport = transport;
  }

  async #start(): Promise<void> {
    this.#server = await spawnServer(['--data-dir', this.dataDir]);
    const endpoint = this.#server.endpoint;
    this.#c = {
      k: new KinesisClient(clientConfig({ endpoint }, this.#transport)),
      l: new LambdaClient(clientConfig({ endpoint })),
      sqs: new SQSClient(clientConfig({ endpoint })),
    };
  }

  get #clients(): Clients {
    if (!this.#c) throw new Error('server not started');
    return this.#c;
  }

  async setup(s: MappingSetup): Promise<void> {
    writeFileSync(this.#faults, JSON.stringify({ failPct: 0, rbif: s.reportBatchItemFailures }));
    this.#rbif = s.reportBatchItemFailures;
    await this.#start();
    const { k, l, sqs } = this.#clients;
    await k.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: s.shards }));
    this.#gen = await this.#generation();
    this.#queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'soak-dlq' }))).QueueUrl!;
    const queueArn = (
      await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: this.#queueUrl, AttributeNames: ['QueueArn'] }),
      )
    ).Attributes!['QueueArn']!;
    await l.send(
      new CreateFunctionCommand({
        FunctionName: 'soak-fn',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: ROLE,
        Timeout: 10,
        Code: { ZipFile: await zipFiles({ 'index.mjs': HANDLER }) },
        Environment: { Variables: { OUT: this.#out, FAULTS: this.#faults } },
      }),
    );
    const m = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'soak-fn',
        EventSourceArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${STREAM}`,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: s.batchSize,
        ParallelizationFactor: s.parallelization,
        MaximumRetryAttempts: s.maxRetries,
        BisectBatchOnFunctionError: s.bisect,
        MaximumBatchingWindowInSeconds: s.windowS,
        TumblingWindowInSeconds: s.tumblingS,
        FunctionResponseTypes: s.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
        DestinationConfig: { OnFailure: { Destination: queueArn } },
      }),
    );
    this.#uuid = m.UUID!;
    await this.#resting();
  }

  /** The stream's creation time: its generation, as the engine keys checkpoints by it. */
  async #generation(): Promise<number> {
    const d = await this.#clients.k.send(new DescribeStreamSummaryCommand({ StreamName: STREAM }));
    return d.StreamDescriptionSummary!.StreamCreationTimestamp!.getTime();
  }

  async #mapping(): Promise<{ State?: string | undefined; LastProcessingResult?: string | undefined }> {
    return this.#clients.l.send(new GetEventSourceMappingCommand({ UUID: this.#uuid }));
  }

  /** Waits for the mapping's transition to end (transitions take no time: the server runs with delay 0). */
  async #resting(): Promise<void> {
    await waitFor(
      async () => ['Enabled', 'Disabled'].includes((await this.#mapping()).State ?? ''),
      20_000,
      'the mapping to leave its transition',
    );
  }

  async #openShards(): Promise<Array<{ id: string; start: bigint; end: bigint }>> {
    const r = await this.#clients.k.send(
      new ListShardsCommand({ StreamName: STREAM, ShardFilter: { Type: 'AT_LATEST' } }),
    );
    return (r.Shards ?? [])
      .map((s) => ({
        id: s.ShardId!,
        start: BigInt(s.HashKeyRange!.StartingHashKey!),
        end: BigInt(s.HashKeyRange!.EndingHashKey!),
      }))
      .sort((a, b) => (a.start < b.start ? -1 : 1));
  }

  async apply(o: Op): Promise<void> {
    this.coverage[o.op] = (this.coverage[o.op] ?? 0) + 1;
    const { k, l } = this.#clients;
    switch (o.op) {
      case 'put': {
        const keys = o.keys.map((n) => `k${n}`);
        const base = this.model.records.size;
        const ids = keys.map((_, i) => `${o.poison && i === 0 ? 'poison' : 'r'}-${base + i}`);
        const res = await k.send(
          new PutRecordsCommand({
            StreamName: STREAM,
            Records: keys.map((key, i) => ({ PartitionKey: key, Data: Buffer.from(ids[i]!) })),
          }),
        );
        res.Records!.forEach((r, i) =>
          this.model.put(keys[i]!, this.#gen, r.ShardId!, r.SequenceNumber!, ids[i]!.startsWith('poison')),
        );
        break;
      }
      case 'split': {
        const shards = (await this.#openShards()).filter((s) => s.end - s.start > 4n);
        const s = shards[o.pick % Math.max(1, shards.length)];
        if (!s || shards.length >= 8) break;
        await k.send(
          new SplitShardCommand({
            StreamName: STREAM,
            ShardToSplit: s.id,
            NewStartingHashKey: (s.start + (s.end - s.start) / 2n).toString(),
          }),
        );
        break;
      }
      case 'merge': {
        const shards = await this.#openShards();
        if (shards.length < 2) break;
        const i = o.pick % (shards.length - 1);
        await k.send(
          new MergeShardsCommand({
            StreamName: STREAM,
            ShardToMerge: shards[i]!.id,
            AdjacentShardToMerge: shards[i + 1]!.id,
          }),
        );
        break;
      }
      case 'scale': {
        const n = (await this.#openShards()).length;
        const lo = Math.ceil(n / 2);
        const target = lo + (o.pick % (Math.min(2 * n, 8) - lo + 1));
        if (target !== n)
          await k.send(
            new UpdateShardCountCommand({
              StreamName: STREAM,
              TargetShardCount: target,
              ScalingType: 'UNIFORM_SCALING',
            }),
          );
        break;
      }
      case 'advance':
        // Load, not synchronisation: let the engine work for a while before the next operation.
        await new Promise((r) => setTimeout(r, Math.min(o.ms, 300)));
        break;
      case 'disable':
      case 'enable':
        await l.send(new UpdateEventSourceMappingCommand({ UUID: this.#uuid, Enabled: o.op === 'enable' }));
        await this.#resting();
        break;
      case 'update':
        await l.send(
          new UpdateEventSourceMappingCommand({
            UUID: this.#uuid,
            BatchSize: o.batchSize,
            ParallelizationFactor: o.parallelization,
            MaximumBatchingWindowInSeconds: o.windowS,
            BisectBatchOnFunctionError: o.bisect,
          }),
        );
        await this.#resting();
        break;
      case 'recreate':
        await k.send(new DeleteStreamCommand({ StreamName: STREAM }));
        // An enabled mapping notices at once; a disabled one has nothing reading the stream.
        if ((await this.#mapping()).State === 'Enabled')
          await waitFor(
            async () => (await this.#mapping()).LastProcessingResult === 'PROBLEM: Stream not found',
            20_000,
            'PROBLEM: Stream not found after DeleteStream',
          );
        await k.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: o.shards }));
        this.#gen = await this.#generation();
        break;
      case 'restart':
        await this.#server!.kill9();
        this.#destroyClients();
        await this.#start();
        break;
      case 'faults':
        writeFileSync(this.#faults, JSON.stringify({ failPct: o.failPct, rbif: this.#rbif }));
        break;
    }
  }

  /** Gives the model what happened since it last looked: discarded ranges first, then deliveries in order. */
  async #observe(): Promise<void> {
    // The function's log first, the destination after: a batch discarded before a delivery in that log is then
    // always among the failure records read (read the other way round, one discarded between the two reads
    // would look like a record delivered out of order).
    const text = existsSync(this.#out) ? readFileSync(this.#out, 'utf8') : '';
    const lines = text
      .slice(0, text.lastIndexOf('\n') + 1)
      .split('\n')
      .filter((x) => x !== '');
    for (;;) {
      const r = await this.#clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.#queueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 3600,
        }),
      );
      const msgs = r.Messages ?? [];
      for (const m of msgs) {
        const info = (JSON.parse(m.Body!) as { KinesisBatchInfo: Record<string, string> }).KinesisBatchInfo;
        this.model.discarded(info['shardId']!, info['startSequenceNumber']!, info['endSequenceNumber']!);
        this.#discardsRead++;
      }
      if (msgs.length === 0) break;
    }
    for (const line of lines.slice(this.#linesRead)) {
      const { ok } = JSON.parse(line) as { ids: string[]; ok: string[] };
      this.model.delivered(ok);
    }
    this.#linesRead = lines.length;
  }

  /** Ends the sequence: faults off, mapping enabled, then waits until every record of the live stream is done. */
  async finish(timeoutMs = 120_000): Promise<string[]> {
    await this.apply({ op: 'faults', failPct: 0, throttlePct: 0 });
    if ((await this.#mapping()).State !== 'Enabled') await this.apply({ op: 'enable' });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.#observe();
      if (this.model.pending(this.#gen).length === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    this.model.checkPoison();
    const m = await this.#mapping();
    if (m.State !== 'Enabled') this.model.violations.push(`mapping ended ${m.State}`);
    return this.model.pending(this.#gen).map((r) => `${r.id} (${r.shardId}:${r.position})`);
  }

  #destroyClients(): void {
    this.#c?.k.destroy();
    this.#c?.l.destroy();
    this.#c?.sqs.destroy();
    this.#c = undefined;
  }

  async close(): Promise<void> {
    this.#destroyClients();
    await this.#server?.kill9();
    for (const p of [this.dataDir, this.#out, this.#faults]) rmSync(p, { recursive: true, force: true });
  }

  /** Notes for the report. */
  summary(): Record<string, unknown> {
    return {
      ...this.model.stats(),
      discardMessages: this.#discardsRead,
      invokes: this.#linesRead,
      ops: this.coverage,
    };
  }
}

/** Appends a line to a log file (the soak's report). */
export function logLine(file: string, line: string): void {
  appendFileSync(file, `${line}\n`);
}

/** A sequence from the generator for `seed`, with one kill -9 in the middle (end-to-end runs are few). */
export function e2eSequence(seed: number, steps: number): { setup: MappingSetup; ops: Op[] } {
  const [sample] = fc.sample(
    fc.tuple(setupArb, fc.array(opArb({ restart: 0 }), { minLength: steps, maxLength: steps })),
    { seed, numRuns: 1 },
  );
  const [setup, ops] = sample!;
  ops.splice(Math.floor(steps / 2), 0, { op: 'restart' });
  return { setup, ops };
}

export async function runE2e(seed: number, steps: number, transport: 'h2' | 'h1' = 'h2') {
  const { setup, ops } = e2eSequence(seed, steps);
  const e = new RealServerEngine(transport);
  try {
    await e.setup(setup);
    for (const o of ops) await e.apply(o);
    const pending = await e.finish();
    const problems = [...e.model.violations];
    if (pending.length > 0)
      problems.push(`stall: ${pending.length} records never done: ${pending.slice(0, 5).join(', ')}`);
    return { problems, summary: e.summary(), setup, ops };
  } finally {
    await e.close();
  }
}
