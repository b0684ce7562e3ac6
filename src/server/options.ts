import { AwsError } from './errors.js';

/** Options of one Tributary server. Every field has a default; `compileServerOptions` checks them once. */
export interface ServerOptions {
  /** TCP port; 0 picks an ephemeral one. @default 4600 */
  port?: number;
  /** Interface to bind. @default '127.0.0.1' */
  host?: string;
  /** Where data lives (ignored with inMemory). @default './.tributary' */
  dataDir?: string;
  /** Keep nothing on disk. @default false */
  inMemory?: boolean;
  /** Region reported in ARNs. @default 'us-east-1' */
  region?: string;
  /** 12-digit account id reported in ARNs. @default '000000000000' */
  account?: string;
  /** How long streams stay CREATING/UPDATING/DELETING (and mappings in transitional states). @default 500 */
  transitionDelayMs?: number;
  /** pino log level. @default 'info' */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Test hook: lets MaximumRecordAgeInSeconds be applied as if it were this many times smaller. @default 1 */
  recordAgeScale?: number;
}

export type CompiledServerOptions = Required<ServerOptions>;

function bad(field: string, why: string): AwsError {
  return new AwsError('InvalidConfiguration', `Invalid option ${field}: ${why}`, 400);
}

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
    recordAgeScale: o.recordAgeScale ?? 1,
  };
  if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535)
    throw bad('port', 'must be an integer 0-65535');
  if (!/^\d{12}$/.test(c.account)) throw bad('account', 'must be 12 digits');
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(c.region)) throw bad('region', 'must look like us-east-1');
  if (!Number.isFinite(c.transitionDelayMs) || c.transitionDelayMs < 0)
    throw bad('transitionDelayMs', 'must be >= 0');
  if (!(c.recordAgeScale >= 1)) throw bad('recordAgeScale', 'must be >= 1');
  return c;
}
