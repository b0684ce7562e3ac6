/**
 * A server in a worker thread of the bench's own process (bench/kinesis.ts, bench/efo.ts): it gets an event loop
 * (and a core) of its own while the client code runs on the main thread, as a server and its producers would be
 * deployed. The bench file runs on both sides: its main side calls startServerThread, its worker side (the same
 * file, loaded again in the thread) calls serveInThread. Files starting with `_` are not run as benches.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { parentPort, Worker, workerData, type ResourceLimits } from 'node:worker_threads';

/** A server the worker side started: the port it listens on and how to close it. */
export interface ListeningServer {
  port: number;
  close(): Promise<void>;
}

export interface ServerThread {
  endpoint: string;
  /** The server thread's event loop utilization since `from` (or since start): how busy its JS thread was. */
  loopBusy(from?: EventLoopUtilization): EventLoopUtilization;
  close(): Promise<void>;
}

export interface ServerThreadOptions<I> {
  /** The bench file (`import.meta.url`): the worker loads it and its worker side calls serveInThread. */
  benchUrl: string;
  /** What the worker side's `start` receives (with `dataDir` when one was asked for). */
  input: I;
  /** A fresh data directory for the server, removed on close: its name's prefix in the temporary directory. */
  dataDirPrefix?: string;
  resourceLimits?: ResourceLimits;
}

/** Main side: starts the bench file in a worker thread and waits until its server listens. */
export async function startServerThread<I extends object>(
  opts: ServerThreadOptions<I>,
): Promise<ServerThread> {
  const dataDir = opts.dataDirPrefix ? mkdtempSync(join(tmpdir(), opts.dataDirPrefix)) : undefined;
  // Node 20 does not carry `--import tsx` into workers: the worker registers tsx itself, then loads the bench.
  const bootstrap =
    `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})` +
    `.then((m) => { m.register(); return import(${JSON.stringify(opts.benchUrl)}); })`;
  const worker = new Worker(bootstrap, {
    eval: true,
    resourceLimits: opts.resourceLimits ?? {},
    workerData: { ...opts.input, ...(dataDir ? { dataDir } : {}) },
  });
  const [first] = (await Promise.race([
    once(worker, 'message'),
    once(worker, 'error').then(([e]) => Promise.reject(e as Error)),
    once(worker, 'exit').then(([code]) =>
      Promise.reject(new Error(`server thread exited (${String(code)})`)),
    ),
  ])) as [{ port: number }];
  return {
    endpoint: `http://127.0.0.1:${first.port}`,
    loopBusy: (from) => worker.performance.eventLoopUtilization(from),
    async close() {
      worker.postMessage('close');
      await once(worker, 'message');
      await worker.terminate();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Worker side: starts the server from the thread's input and closes it when the main side says so. A failure to
 * start is left unhandled on purpose: it surfaces on the main side as the worker's `error`.
 */
export function serveInThread<I>(start: (input: I) => Promise<ListeningServer>): void {
  const port = parentPort!;
  void start(workerData as I).then((server) => {
    port.on('message', (m: unknown) => {
      if (m === 'close') void server.close().then(() => port.postMessage('closed'));
    });
    port.postMessage({ port: server.port });
  });
}

/**
 * Worker side: a Tributary server as the benches run it — on an ephemeral port, states changing at once, silent;
 * durable lmdb in `dataDir` (every write fsync'd before its response, the default deployment), else in memory.
 */
export async function tributaryServer(dataDir: string | undefined): Promise<ListeningServer> {
  const { startApp } = await import('../src/app/app.js');
  const app = await startApp({
    port: 0,
    transitionDelayMs: 0,
    logLevel: 'silent',
    ...(dataDir === undefined ? { inMemory: true } : { dataDir }),
  });
  return { port: app.ctx.endpoint.port, close: () => app.close() };
}
