import { startApp } from './src/server/app.js';
import { KinesisClient, CreateStreamCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { mkdtempSync } from 'node:fs';
const app = await startApp({ port: 0, dataDir: mkdtempSync('/tmp/lat-'), inMemory: process.env.XMEM === '1', transitionDelayMs: 0, logLevel: 'silent' });
const mk = (h1: boolean) => new KinesisClient({ endpoint: app.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, ...(h1 ? { requestHandler: new NodeHttpHandler() } : {}) });
const k2 = mk(false), k1 = mk(true);
await k1.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 1 }));
await new Promise(r => setTimeout(r, 50));
const recs = Array.from({ length: 500 }, (_, i) => ({ PartitionKey: 'k' + i, Data: Buffer.alloc(100) }));
const small = [{ PartitionKey: 'a', Data: Buffer.alloc(10) }];
for (const [name, k] of [['h2', k2], ['h1', k1]] as const) for (const [rn, r] of [['500', recs], ['1', small]] as const) {
  for (let i = 0; i < 20; i++) await k.send(new PutRecordsCommand({ StreamName: 's', Records: r }));
  const lat: number[] = [];
  for (let i = 0; i < 100; i++) { const t = performance.now(); await k.send(new PutRecordsCommand({ StreamName: 's', Records: r })); lat.push(performance.now() - t); }
  lat.sort((a, b) => a - b);
  console.log(name, rn, 'p50', lat[50]!.toFixed(2), 'p90', lat[90]!.toFixed(2), 'max', lat[99]!.toFixed(2));
}
k1.destroy(); k2.destroy(); await app.close();
