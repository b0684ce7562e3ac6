/**
 * What authentication costs (issue 20: "bench/: PutRecords and the mapping throughput with authentication on are
 * within 10% of off, same run"). Two servers in this process, both durable (lmdb, fsync'd): one with no
 * credentials (checks off), one with a root key pair (SigV4 checked on every request, IAM enforced: the defaults
 * once credentials are configured). The same SDK clients, signing with the same key, drive both.
 *
 * PutRecords: 500 x 100 B per call, BENCH_CALLERS callers, into a 4-shard stream, over HTTP/2 (the SDK's default)
 * and HTTP/1.1; BENCH_ROUNDS rounds of BENCH_SECONDS, alternating off and on, best round of each reported, with
 * the process's CPU per 1000 records (client and server: the difference is the server's checks). Mapping: a no-op
 * function on a pre-filled 4-shard stream, BatchSize 1000, 200,000 records, from TRIM_HORIZON, off then on, twice
 * (best of each); with IAM on, the function's role is created with AWSLambdaKinesisExecutionRole.
 *
 * Throughput on a shared machine moves by more than 10% between rounds, so the checks' own CPU is measured too,
 * without any I/O: one PutRecords request as the SDK signs it, verified BENCH_VERIFY times by the Authenticator
 * (its signing-key cache warm, as in a server), against the CPU the whole PutRecords costs (the off rows).
 */
import { CreateStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { AttachRolePolicyCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startApp, type App } from '../src/app/app.js';
import { Authenticator, isAuthProblem, rootCredentials } from '../src/server/auth/authenticator.js';
import { payloadHash } from '../src/server/auth/sigv4.js';
import { systemClock } from '../src/server/clock.js';
import type { ApiRequest } from '../src/server/http-types.js';
import { clientConfig } from '../test/harness/helpers.js';
import { rawRequest, testSigner } from '../test/harness/sigv4-signing.js';
import { CALLERS, kinesisBenchClient, putLoad, RECORDS_PER_CALL } from './_kinesis-load.js';
import { mappingThroughput, type Throughput } from './_mapping-bench.js';

const KEY = { accessKeyId: 'AKIABENCHROOT0000001', secretAccessKey: 'bench-root-secret-0123456789abcdef' };
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const MAPPED = Number(process.env.BENCH_MAPPED_RECORDS ?? 200_000);
const VERIFY = Number(process.env.BENCH_VERIFY ?? 5000);
type Mode = 'off' | 'on';
const MODES: Mode[] = ['off', 'on'];

async function start(mode: Mode): Promise<App> {
  return startApp({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), `bench-auth-${mode}-`)),
    transitionDelayMs: 0,
    logLevel: 'silent',
    ...(mode === 'on' ? KEY : {}),
  });
}

interface PutSample {
  rps: number;
  cpuUsPer1k: number;
}

/** CPU microseconds per call of `fn`, over `n` calls (after n/10 to warm up). */
function cpuUsEach(n: number, fn: () => unknown): number {
  for (let i = 0; i < n / 10; i++) fn();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / n;
}

/** One PutRecords request (500 x 100 B, as the bench sends) signed by the SDK's signer, as the router gets it. */
async function signedPutRecords(): Promise<ApiRequest> {
  const body = JSON.stringify({
    StreamName: 'put-h1',
    Records: Array.from({ length: 500 }, (_, i) => ({
      Data: Buffer.alloc(100, 'x').toString('base64'),
      PartitionKey: `p${i}`,
    })),
  });
  const endpoint = 'http://127.0.0.1:4567';
  const signed = await testSigner(KEY, 'kinesis').sign(
    rawRequest(endpoint, {
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.PutRecords',
      },
      body,
    }),
  );
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = String(v);
  return {
    method: 'POST',
    path: '/',
    query: new URLSearchParams(),
    headers,
    body: Buffer.from(body),
    httpVersion: '1.1',
    signal: new AbortController().signal,
    host: '127.0.0.1:4567',
    requestId: 'bench',
  };
}

async function putRound(k: KinesisClient, stream: string): Promise<PutSample> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const load = await putLoad(k, stream, SECONDS, 1_000_000);
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { rps: load.records / secs, cpuUsPer1k: ((cpu.user + cpu.system) / load.records) * 1000 };
}

const apps = { off: await start('off'), on: await start('on') };
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const pctOf = (on: number, off: number): string => `${((on / off - 1) * 100).toFixed(1)}%`;
const rows: string[] = [];
let offH1CpuUsPer1k = NaN;
console.log(
  `Auth bench: ${cpus().length} cores, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}; PutRecords ${CALLERS} callers, best of ${ROUNDS} x ${SECONDS} s rounds alternating off/on`,
);
try {
  for (const transport of ['h2', 'h1'] as const) {
    const clients = {
      off: kinesisBenchClient(apps.off.endpoint, transport, KEY),
      on: kinesisBenchClient(apps.on.endpoint, transport, KEY),
    };
    const stream = `put-${transport}`;
    for (const m of MODES) {
      await clients[m].send(new CreateStreamCommand({ StreamName: stream, ShardCount: 4 }));
      await putLoad(clients[m], stream, 30, 40); // warm-up: connections, JIT
    }
    const best: Record<Mode, PutSample | undefined> = { off: undefined, on: undefined };
    for (let r = 0; r < ROUNDS; r++)
      for (const m of r % 2 === 0 ? MODES : [...MODES].reverse()) {
        const s = await putRound(clients[m], stream);
        if (!best[m] || s.rps > best[m].rps) best[m] = s;
      }
    const off = best.off!;
    const on = best.on!;
    if (transport === 'h1') offH1CpuUsPer1k = off.cpuUsPer1k;
    rows.push(
      `| PutRecords records/s (${transport}) | ${fmt(off.rps)} | ${fmt(on.rps)} | ${pctOf(on.rps, off.rps)} |`,
      `| PutRecords CPU us per 1000 records, client + server (${transport}) | ${fmt(off.cpuUsPer1k)} | ${fmt(on.cpuUsPer1k)} | ${pctOf(on.cpuUsPer1k, off.cpuUsPer1k)} |`,
    );
    for (const m of MODES) clients[m].destroy();
  }

  // The execution role the mapping's function needs once IAM is enforced (the other server ignores roles).
  const iam = new IAMClient(clientConfig(apps.on, 'default', { credentials: KEY }));
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'bench',
      AssumeRolePolicyDocument: JSON.stringify({
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
    }),
  );
  await iam.send(
    new AttachRolePolicyCommand({
      RoleName: 'bench',
      PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole',
    }),
  );
  iam.destroy();
  const mapped: Record<Mode, Throughput | undefined> = { off: undefined, on: undefined };
  for (let r = 0; r < 2; r++)
    for (const m of MODES) {
      const k = kinesisBenchClient(apps[m].endpoint, 'h2', KEY);
      const l = new LambdaClient(clientConfig(apps[m], 'default', { credentials: KEY }));
      const t = await mappingThroughput(apps[m], k, l, { name: `map${r}`, batchSize: 1000, total: MAPPED });
      if (!mapped[m] || t.sustained > mapped[m].sustained) mapped[m] = t;
      k.destroy();
      l.destroy();
    }
  const off = mapped.off!;
  const on = mapped.on!;
  rows.push(
    `| mapping records/s, creation to last batch | ${fmt(off.rps)} | ${fmt(on.rps)} | ${pctOf(on.rps, off.rps)} |`,
    `| mapping sustained records/s (last 3/4) | ${fmt(off.sustained)} | ${fmt(on.sustained)} | ${pctOf(on.sustained, off.sustained)} |`,
  );
  const req = await signedPutRecords();
  const auth = new Authenticator(
    rootCredentials(KEY.accessKeyId, KEY.secretAccessKey, '000000000000'),
    systemClock,
  );
  if (isAuthProblem(auth.verify(req))) throw new Error('the bench request does not verify');
  const verifyUs = cpuUsEach(VERIFY, () => auth.verify(req));
  const hashUs = cpuUsEach(VERIFY, () => payloadHash(req));
  // What one PutRecords call costs with checks off (client + server CPU, HTTP/1.1), for scale.
  const callUs = (offH1CpuUsPer1k * RECORDS_PER_CALL) / 1000;
  console.log(
    `\nVerifying one signed PutRecords (500 x 100 B, ${req.body.length} B body), signing key cached: ` +
      `${verifyUs.toFixed(1)} us CPU (mean of ${VERIFY}), of which hashing the body, once, ${hashUs.toFixed(1)} us; ` +
      `${((verifyUs / callUs) * 100).toFixed(1)}% of the ${fmt(callUs)} us CPU a PutRecords call costs with checks off ` +
      '(client + server, HTTP/1.1, from the rows below).',
  );
  console.log('\n| measurement | auth off | auth on (SigV4 + IAM) | on vs off |');
  console.log('|---|---:|---:|---:|');
  for (const r of rows) console.log(r);
  console.log('\nTarget (issue 20): on within 10% of off.');
} finally {
  await apps.off.close();
  await apps.on.close();
}
