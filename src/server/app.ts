import { pino, type Logger } from 'pino';
import { openStore } from '../store/open-store.js';
import { Listener } from './listener.js';
import { compileServerOptions, type ServerOptions } from './options.js';
import { Router } from './router.js';
import type { AppContext, Component } from './context.js';
import { createKinesis, type Kinesis } from '../kinesis/kinesis.js';

/** A running Tributary server: every component on one port. */
export interface App extends AsyncDisposable {
  readonly ctx: AppContext;
  readonly endpoint: string;
  readonly kinesis: Kinesis;
  close(): Promise<void>;
}

export interface StartOptions extends ServerOptions {
  /** Logger to use instead of a new pino instance (tests pass a silent one). */
  logger?: Logger;
}

export async function startApp(opts: StartOptions = {}): Promise<App> {
  const options = compileServerOptions(opts);
  const log = opts.logger ?? pino({ level: options.logLevel });
  const store = openStore({ inMemory: options.inMemory, dataDir: options.dataDir });
  const ctx: AppContext = { options, store, log, endpoint: { host: options.host, port: options.port } };

  // Construction order is dependency order; routing order is the order services are added.
  const kinesis = createKinesis(ctx);
  const components: Component[] = [kinesis];

  const router = new Router(log);
  for (const c of components) for (const s of c.services) router.add(s);

  const listener = new Listener({ port: options.port, host: options.host, dispatch: router.dispatch, log });
  const bound = await listener.listen();
  ctx.endpoint = bound;
  for (const c of components) await c.start?.();

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await listener.close();
      for (const c of [...components].reverse()) await c.close();
      await store.close();
    })());

  return {
    ctx,
    endpoint: `http://${bound.host}:${bound.port}`,
    kinesis,
    close,
    [Symbol.asyncDispose]: close,
  };
}
