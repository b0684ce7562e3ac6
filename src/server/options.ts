import { isIP } from 'node:net';
import { ConfigError } from './config-error.js';

/** pino's levels, quietest last. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Options of one Tributary server. Every field has a default; `compileServerOptions` checks them once and
 * throws a ConfigError naming the first bad field. `tributary up` sets them from a config file, TRIBUTARY_*
 * environment variables and flags (src/app/config.ts).
 */
export interface ServerOptions {
  /** TCP port; 0 picks an ephemeral one. CLI `--port`, env TRIBUTARY_PORT. @default 4600 */
  port?: number;
  /** Interface to bind: an IP address or a host name. CLI `--host`, env TRIBUTARY_HOST. @default '127.0.0.1' */
  host?: string;
  /** Where data lives (ignored with inMemory). CLI `--data-dir`, env TRIBUTARY_DATA_DIR. @default './.tributary' */
  dataDir?: string;
  /** Keep nothing on disk. CLI `--in-memory`, env TRIBUTARY_IN_MEMORY=1. @default false */
  inMemory?: boolean;
  /** Region reported in ARNs. CLI `--region`, env TRIBUTARY_REGION. @default 'us-east-1' */
  region?: string;
  /** 12-digit account id reported in ARNs. CLI `--account`, env TRIBUTARY_ACCOUNT. @default '000000000000' */
  account?: string;
  /**
   * How long streams stay CREATING/UPDATING/DELETING (and mappings in transitional states), in ms.
   * CLI `--transition-delay-ms`, env TRIBUTARY_TRANSITION_DELAY_MS. @default 500
   */
  transitionDelayMs?: number;
  /** pino log level. CLI `--log-level`, env TRIBUTARY_LOG_LEVEL. @default 'info' */
  logLevel?: LogLevel;
  /**
   * Graceful shutdown (`App.close`): how long in-flight requests, invocations and mapping batches get to finish
   * before the rest are cut off, in ms (0: cut off at once). CLI `--shutdown-timeout-ms`, env
   * TRIBUTARY_SHUTDOWN_TIMEOUT_MS. @default 10000
   */
  shutdownTimeoutMs?: number;
}

export type CompiledServerOptions = Required<ServerOptions>;

/** A DNS host name (RFC 1123 labels), with an optional trailing dot. */
const HOST_NAME =
  /^(?=.{1,253}\.?$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

export function compileServerOptions(o: ServerOptions = {}): CompiledServerOptions {
  const c: CompiledServerOptions = {
    port: o.port ?? 4600,
    host: o.host ?? '127.0.0.1',
    dataDir: o.dataDir ?? './.tributary',
    inMemory: o.inMemory ?? false,
    region: o.region ?? 'us-east-1',
    account: o.account ?? '000000000000',
    transitionDelayMs: o.transitionDelayMs ?? 500,
    logLevel: o.logLevel ?? 'info',
    shutdownTimeoutMs: o.shutdownTimeoutMs ?? 10_000,
  };
  const bad = (field: keyof ServerOptions, why: string): ConfigError => new ConfigError(field, why);
  if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535)
    throw bad('port', 'must be an integer 0-65535');
  if (typeof c.host !== 'string' || (isIP(c.host) === 0 && !HOST_NAME.test(c.host)))
    throw bad('host', 'must be an IP address or a host name');
  if (typeof c.dataDir !== 'string' || c.dataDir === '') throw bad('dataDir', 'must be a directory path');
  if (typeof c.inMemory !== 'boolean') throw bad('inMemory', 'must be true or false');
  if (typeof c.account !== 'string' || !/^\d{12}$/.test(c.account)) throw bad('account', 'must be 12 digits');
  if (typeof c.region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(c.region))
    throw bad('region', 'must look like us-east-1');
  if (!Number.isFinite(c.transitionDelayMs) || c.transitionDelayMs < 0)
    throw bad('transitionDelayMs', 'must be a number of milliseconds >= 0');
  if (!(LOG_LEVELS as readonly string[]).includes(c.logLevel))
    throw bad('logLevel', `must be one of ${LOG_LEVELS.join('|')}`);
  if (!Number.isInteger(c.shutdownTimeoutMs) || c.shutdownTimeoutMs < 0)
    throw bad('shutdownTimeoutMs', 'must be an integer number of milliseconds >= 0');
  return c;
}
