import type { Logger } from 'pino';
import type { ErrorPath } from './error-path.js';
import type { Store } from '../store/store.js';
import type { CompiledServerOptions } from './options.js';

/** What every component gets: options, the store, a logger, and where the server is reachable. */
export interface AppContext {
  options: CompiledServerOptions;
  store: Store;
  log: Logger;
  /** Where bugs are reported: logged once and counted (see `errorResponse` in error-path.ts). */
  errors: ErrorPath;
  /** Filled in once the listener is bound (port 0 resolves to the real port). */
  endpoint: { host: string; port: number };
}

/** A long-lived part of the server (Kinesis, Lambda, mappings, SQS...). */
export interface Component {
  readonly name: string;
  /** API families it serves on the shared port, in routing order. */
  readonly services: ReadonlyArray<import('./http-types.js').Service>;
  /** Called after every component is constructed and the port is bound. */
  start?(): Promise<void>;
  /** Stops timers and workers; the store is closed after every component has stopped. */
  close(): Promise<void>;
}

/** ARN helpers shared by all services. */
export function arn(ctx: AppContext, service: string, resource: string): string {
  return `arn:aws:${service}:${ctx.options.region}:${ctx.options.account}:${resource}`;
}
