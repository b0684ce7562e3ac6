import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { CreateStreamCommand, KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientConfig, tempDir, waitFor } from '../harness/helpers.js';
import { RECORDING_HANDLER, ROLE, zipFiles, type RecordedInvoke } from './mapping-fixtures.js';
import { spawnServer, type ServerProcess } from '../harness/server-process.js';
import { LmdbStore } from '../../src/store/lmdb-store.js';

function clients(endpoint: string): { k: KinesisClient; l: LambdaClient } {
  return {
    k: new KinesisClient(clientConfig({ endpoint })),
    l: new LambdaClient(clientConfig({ endpoint })),
  };
}

function deliveries(file: string): Array<{ key: string; n: number }> {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  // Ignore a last line the function is still writing.
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((x) => x !== '')
    .flatMap((line) => (JSON.parse(line) as RecordedInvoke).event.Records)
    .map((r) => {
      const [key, n] = Buffer.from(r.kinesis.data, 'base64').toString().split(':');
      return { key: key!, n: Number(n) };
    });
}

describe('mapping checkpoints survive kill -9', () => {
  const servers: ServerProcess[] = [];
  after(async () => {
    for (const s of servers) await s.kill9();
  });

  it('delivers every record at least once, in order per partition key, across a SIGKILL mid-processing', async () => {
    const dataDir = tempDir();
    const outFile = join(tempDir('tributary-out-'), 'invokes.jsonl');
    const first = await spawnServer(['--data-dir', dataDir]);
    servers.push(first);
    const c1 = clients(first.endpoint);
    await c1.k.send(new CreateStreamCommand({ StreamName: 'crash', ShardCount: 2 }));
    await c1.l.send(
      new CreateFunctionCommand({
        FunctionName: 'crash-fn',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: ROLE,
        Code: { ZipFile: await zipFiles({ 'index.mjs': RECORDING_HANDLER }) },
        // Long enough that the hanging invoke is still hanging when the server is killed.
        Timeout: 120,
        Environment: { Variables: { OUT_FILE: outFile, BEHAVIOUR: 'hang-at:6' } },
      }),
    );
    const keys = 8;
    const perKey = 40;
    const records = Array.from({ length: keys * perKey }, (_, i) => ({
      key: `k${i % keys}`,
      n: Math.floor(i / keys),
    }));
    const put = await c1.k.send(
      new PutRecordsCommand({
        StreamName: 'crash',
        Records: records.map((r) => ({ PartitionKey: r.key, Data: Buffer.from(`${r.key}:${r.n}`) })),
      }),
    );
    await c1.l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'crash-fn',
        EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/crash',
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 10,
      }),
    );
    // Kill while processing is under way: the seventh invoke hangs, so the crash always lands mid-processing.
    await waitFor(() => deliveries(outFile).length >= 60, 30_000, 'first deliveries');
    await first.kill9();
    c1.k.destroy();
    c1.l.destroy();
    const beforeCrash = deliveries(outFile).length;
    // The checkpoints that were durable when the server died, read from its data dir: nothing before them may be
    // delivered again (only batches in flight at the crash are, whatever the machine's speed).
    const store = new LmdbStore(dataDir);
    const durable = new Map(
      store
        .listDocs<{ position: number }>('mapping.checkpoint')
        .map((d) => [d.id.split('/').pop()!, d.doc.position]),
    );
    await store.close();
    // Each record's shard and position (its index among its shard's records of the one PutRecords call).
    const where = new Map<string, { shard: string; position: number }>();
    const perShard = new Map<string, number>();
    put.Records!.forEach((r, i) => {
      const position = perShard.get(r.ShardId!) ?? 0;
      perShard.set(r.ShardId!, position + 1);
      where.set(`${records[i]!.key}:${records[i]!.n}`, { shard: r.ShardId!, position });
    });
    assert.ok(beforeCrash < records.length, 'the crash happened mid-processing');

    const second = await spawnServer(['--data-dir', dataDir]);
    servers.push(second);
    await waitFor(
      () => {
        const seen = new Set(deliveries(outFile).map((d) => `${d.key}:${d.n}`));
        return records.every((r) => seen.has(`${r.key}:${r.n}`));
      },
      60_000,
      'every record delivered after the restart',
    );
    // Per key: within each run, strictly in order; the second run resumes no later than where the first stopped.
    const all = deliveries(outFile);
    const run1 = all.slice(0, beforeCrash);
    const run2 = all.slice(beforeCrash);
    for (let k = 0; k < keys; k++) {
      const key = `k${k}`;
      const a = run1.filter((d) => d.key === key).map((d) => d.n);
      const b = run2.filter((d) => d.key === key).map((d) => d.n);
      for (let i = 1; i < a.length; i++) assert.equal(a[i], a[i - 1]! + 1, `run 1 order of ${key}`);
      for (let i = 1; i < b.length; i++) assert.equal(b[i], b[i - 1]! + 1, `run 2 order of ${key}`);
      const resumeAt = b[0] ?? perKey;
      const reached = a.length === 0 ? 0 : a[a.length - 1]! + 1;
      assert.ok(
        resumeAt <= reached,
        `${key} resumed at ${resumeAt}, first run reached ${reached}: nothing skipped`,
      );
      assert.ok(a.length === 0 || a[0] === 0);
    }
    // At-least-once, but nothing the durable checkpoints had passed is delivered again.
    // (On a loaded machine the crash may come before any checkpoint write is durable: then everything may come again.)
    for (const d of run2) {
      const w = where.get(`${d.key}:${d.n}`)!;
      assert.ok(
        w.position >= (durable.get(w.shard) ?? 0),
        `${d.key}:${d.n} (${w.shard}:${w.position}) delivered again behind the durable checkpoint ${durable.get(w.shard)}`,
      );
    }
  });
});
