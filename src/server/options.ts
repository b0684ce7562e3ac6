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
  /**
   * The default region: where requests that are not signed act (a signed request acts in the region of its
   * credential scope, see request-scope.ts). CLI `--region`, env TRIBUTARY_REGION. @default 'us-east-1'
   */
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
  /**
   * The root access key id requests are signed with (SigV4). Setting it (with `secretAccessKey`) turns signature
   * checks on, on loopback too. CLI `--access-key-id`, env TRIBUTARY_ACCESS_KEY_ID. @default none
   */
  accessKeyId?: string;
  /** Its secret access key; never logged. CLI `--secret-access-key`, env TRIBUTARY_SECRET_ACCESS_KEY. @default none */
  secretAccessKey?: string;
  /**
   * `on`: every API request must carry a valid SigV4 signature of a known key; `off`: any credentials are accepted
   * (local development). Off is the default only without credentials, and a server listening beyond loopback
   * refuses to start without credentials unless `off` is given explicitly (whoever reaches the port could run
   * code through CreateFunction). CLI `--auth`, env TRIBUTARY_AUTH. @default 'on' with credentials, else 'off'
   */
  auth?: AuthMode;
  /**
   * `enforce`: API calls are authorized against the caller's IAM policies (root may do everything) and execution
   * roles are checked for what functions and mappings need; `off`: IAM's API works but nothing is checked.
   * CLI `--iam`, env TRIBUTARY_IAM. @default 'enforce' with credentials, else 'off'
   */
  iam?: IamMode;
  /**
   * More accounts, each with its root key pair: a request signed with an account's keys (or its IAM users' keys,
   * or an STS session of one of its roles) acts in that account, whose resources the others do not see. The
   * default account (`account`) keeps the root keys above, so these need them. Config file
   * `"accounts": [{"id", "accessKeyId", "secretAccessKey"}]`; CLI `--accounts`, env TRIBUTARY_ACCOUNTS
   * (`id:accessKeyId:secretAccessKey,...`). @default none
   */
  accounts?: AccountKeys[];
}

/** One more account's id and root key pair (`ServerOptions.accounts`). */
export interface AccountKeys {
  id: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export type IamMode = 'enforce' | 'off';

export type AuthMode = 'on' | 'off';

export type CompiledServerOptions = Required<Omit<ServerOptions, 'accessKeyId' | 'secretAccessKey'>> &
  Pick<ServerOptions, 'accessKeyId' | 'secretAccessKey'>;

const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;
const ACCESS_KEY_ID_RULE = 'must be 16-128 upper-case letters and digits, like AKIAIOSFODNN7EXAMPLE';

/**
 * Checks `accounts` (ConfigError `accounts` naming the entry): 12-digit ids other than the default account's and
 * each other's, key ids and secrets as the root pair's, no key id twice (a key belongs to one account).
 */
function checkAccounts(c: CompiledServerOptions): void {
  const bad = (why: string): ConfigError => new ConfigError('accounts', why);
  if (!Array.isArray(c.accounts)) throw bad('must be a list of {id, accessKeyId, secretAccessKey}');
  if (c.accounts.length > 0 && c.accessKeyId === undefined)
    throw bad("needs the default account's root keys: set accessKeyId and secretAccessKey too");
  const ids = new Set([c.account]);
  const keys = new Set([c.accessKeyId]);
  c.accounts.forEach((a: Partial<AccountKeys> | null, i) => {
    const at = `entry ${i + 1}`;
    if (typeof a !== 'object' || a === null) throw bad(`${at} must be {id, accessKeyId, secretAccessKey}`);
    if (typeof a.id !== 'string' || !/^\d{12}$/.test(a.id)) throw bad(`${at}: id must be 12 digits`);
    if (ids.has(a.id)) throw bad(`${at}: account ${a.id} is given twice (or is the default account)`);
    if (typeof a.accessKeyId !== 'string' || !ACCESS_KEY_ID.test(a.accessKeyId))
      throw bad(`${at}: accessKeyId ${ACCESS_KEY_ID_RULE}`);
    if (keys.has(a.accessKeyId)) throw bad(`${at}: access key ${a.accessKeyId} belongs to another account`);
    if (typeof a.secretAccessKey !== 'string' || a.secretAccessKey.length < 16)
      throw bad(`${at}: secretAccessKey must be at least 16 characters`);
    ids.add(a.id);
    keys.add(a.accessKeyId);
  });
}

/**
 * Why a server bound to `address` must not start: no credentials, auth not turned off explicitly, and an address
 * beyond loopback, so whoever reaches the port could run programs through CreateFunction.
 */
export function exposureError(
  c: CompiledServerOptions,
  authGiven: boolean,
  address: string,
): ConfigError | undefined {
  if (c.auth === 'on' || authGiven || isLoopback(address)) return undefined;
  return new ConfigError(
    'host',
    `${address} is reachable beyond this machine and no credentials are set, so anyone reaching the port could run code (CreateFunction): set accessKeyId and secretAccessKey (SigV4 is then checked), or accept any caller with auth off`,
  );
}

/** 127.0.0.0/8, ::1 and `localhost`: addresses only this machine reaches. */
export function isLoopback(host: string): boolean {
  return (
    host === 'localhost' || host === '::1' || host === '::ffff:127.0.0.1' || /^127\.\d+\.\d+\.\d+$/.test(host)
  );
}

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
    accessKeyId: o.accessKeyId,
    secretAccessKey: o.secretAccessKey,
    auth: o.auth ?? (o.accessKeyId !== undefined ? 'on' : 'off'),
    iam: o.iam ?? (o.accessKeyId !== undefined ? 'enforce' : 'off'),
    accounts: o.accounts ?? [],
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
  if (
    c.accessKeyId !== undefined &&
    (typeof c.accessKeyId !== 'string' || !ACCESS_KEY_ID.test(c.accessKeyId))
  )
    throw bad('accessKeyId', ACCESS_KEY_ID_RULE);
  if (
    c.secretAccessKey !== undefined &&
    (typeof c.secretAccessKey !== 'string' || c.secretAccessKey.length < 16)
  )
    throw bad('secretAccessKey', 'must be at least 16 characters');
  if ((c.accessKeyId === undefined) !== (c.secretAccessKey === undefined))
    throw c.accessKeyId === undefined
      ? bad('accessKeyId', 'must be given with secretAccessKey')
      : bad('secretAccessKey', 'must be given with accessKeyId');
  if (c.auth !== 'on' && c.auth !== 'off') throw bad('auth', 'must be on or off');
  if (c.iam !== 'enforce' && c.iam !== 'off') throw bad('iam', 'must be enforce or off');
  checkAccounts(c);
  if (c.auth === 'on' && c.accessKeyId === undefined)
    throw bad('auth', 'on needs credentials: set accessKeyId and secretAccessKey');
  // A host name is checked once bound, on the address it resolved to (startApp calls exposureError again).
  if (isIP(c.host) !== 0) {
    const exposed = exposureError(c, o.auth !== undefined, c.host);
    if (exposed) throw exposed;
  }
  return c;
}
