import type { App, StartOptions } from '../app/app.js';
import { compileServerOptions, LOG_LEVELS, type ServerOptions } from '../server/options.js';
import { defaultMaxWorkers, type LambdaOptions } from '../lambda/lambda-options.js';
import { ConfigError } from '../server/config-error.js';
import { ListenError } from '../server/listener.js';
import { DataDirError } from '../store/data-dir.js';

/** The flags of `tributary up`, as commander hands them over (camelCase, strings as typed). */
export interface UpFlags {
  port?: string;
  host?: string;
  dataDir?: string;
  inMemory?: boolean;
  region?: string;
  account?: string;
  logLevel?: string;
  transitionDelayMs?: string;
  shutdownTimeoutMs?: string;
  accountConcurrency?: string;
  maxWorkers?: string;
}

/** One flag of `tributary up`: its environment fallback, the option it sets, and its help line. */
export interface UpFlag {
  /** commander's spelling: `--port <port>`. */
  readonly spec: string;
  /** The key in UpFlags. */
  readonly key: keyof UpFlags;
  /** The TRIBUTARY_* variable used when the flag is not given (an empty value counts as not set). */
  readonly env: string;
  /** How the text is read: integers and numbers strictly (no `12abc`, `0x10` or `1e3`). */
  readonly kind: 'integer' | 'number' | 'string' | 'boolean';
  /** The ServerOptions or LambdaOptions field it sets. */
  readonly option: { server: keyof ServerOptions } | { lambda: keyof LambdaOptions };
  readonly help: string;
  /** How --help shows a value of the variable, after its name (`=1`). */
  readonly envValue?: string;
  /** The default as shown in --help. */
  readonly shownDefault: () => string;
}

const serverDefault = (field: keyof ServerOptions) => (): string => String(compileServerOptions({})[field]);

/**
 * Every flag of `tributary up`, in --help order. Flags win over their TRIBUTARY_* environment variables, which win
 * over the defaults (ServerOptions and LambdaOptions document them; --help shows them from there).
 */
export const UP_FLAGS: readonly UpFlag[] = [
  {
    spec: '--port <port>',
    key: 'port',
    env: 'TRIBUTARY_PORT',
    kind: 'integer',
    option: { server: 'port' },
    help: 'TCP port (0: any free port)',
    shownDefault: serverDefault('port'),
  },
  {
    spec: '--host <host>',
    key: 'host',
    env: 'TRIBUTARY_HOST',
    kind: 'string',
    option: { server: 'host' },
    help: 'interface to bind, an IP address or host name (0.0.0.0: every interface)',
    shownDefault: serverDefault('host'),
  },
  {
    spec: '--data-dir <dir>',
    key: 'dataDir',
    env: 'TRIBUTARY_DATA_DIR',
    kind: 'string',
    option: { server: 'dataDir' },
    help: 'data directory, created if missing; one server at a time',
    shownDefault: serverDefault('dataDir'),
  },
  {
    spec: '--in-memory',
    key: 'inMemory',
    env: 'TRIBUTARY_IN_MEMORY',
    kind: 'boolean',
    option: { server: 'inMemory' },
    help: 'keep nothing on disk',
    envValue: '=1',
    shownDefault: () => 'off',
  },
  {
    spec: '--region <region>',
    key: 'region',
    env: 'TRIBUTARY_REGION',
    kind: 'string',
    option: { server: 'region' },
    help: 'region used in ARNs',
    shownDefault: serverDefault('region'),
  },
  {
    spec: '--account <id>',
    key: 'account',
    env: 'TRIBUTARY_ACCOUNT',
    kind: 'string',
    option: { server: 'account' },
    help: '12-digit account id used in ARNs',
    shownDefault: serverDefault('account'),
  },
  {
    spec: '--log-level <level>',
    key: 'logLevel',
    env: 'TRIBUTARY_LOG_LEVEL',
    kind: 'string',
    option: { server: 'logLevel' },
    help: LOG_LEVELS.join('|'),
    shownDefault: serverDefault('logLevel'),
  },
  {
    spec: '--transition-delay-ms <ms>',
    key: 'transitionDelayMs',
    env: 'TRIBUTARY_TRANSITION_DELAY_MS',
    kind: 'number',
    option: { server: 'transitionDelayMs' },
    help: 'how long CREATING/UPDATING/DELETING and mapping transitions last (0 allowed)',
    shownDefault: serverDefault('transitionDelayMs'),
  },
  {
    spec: '--shutdown-timeout-ms <ms>',
    key: 'shutdownTimeoutMs',
    env: 'TRIBUTARY_SHUTDOWN_TIMEOUT_MS',
    kind: 'integer',
    option: { server: 'shutdownTimeoutMs' },
    help: 'on SIGINT/SIGTERM, how long in-flight invocations and batches get to finish',
    shownDefault: serverDefault('shutdownTimeoutMs'),
  },
  {
    spec: '--account-concurrency <n>',
    key: 'accountConcurrency',
    env: 'TRIBUTARY_ACCOUNT_CONCURRENCY',
    kind: 'integer',
    option: { lambda: 'accountConcurrency' },
    help: 'AWS account concurrency: invocations beyond it are throttled',
    shownDefault: () => '1000',
  },
  {
    spec: '--max-workers <n>',
    key: 'maxWorkers',
    env: 'TRIBUTARY_MAX_WORKERS',
    kind: 'integer',
    option: { lambda: 'maxWorkers' },
    help: 'worker processes alive at once; more invocations wait their turn',
    shownDefault: () =>
      `${defaultMaxWorkers()} here (4 per CPU, at most 1 per 256 MiB of memory, at least 2)`,
  },
];

/** `env TRIBUTARY_PORT, default 4600`: where a flag's value comes from when it is not given. */
export function flagFallback(f: UpFlag): string {
  return `env ${f.env}${f.envValue ?? ''}, default ${f.shownDefault()}`;
}

/** A flag's help line: what it does, its variable and its default. */
export function flagHelp(f: UpFlag): string {
  return `${f.help} (${flagFallback(f)})`;
}

/** The flag's text, from the command line or else the environment (an empty variable is not set). */
function rawValue(
  f: UpFlag,
  flags: UpFlags,
  env: NodeJS.ProcessEnv,
): { text: string | boolean; from: 'flag' | 'env' } | undefined {
  const given = flags[f.key];
  if (given !== undefined) return { text: given, from: 'flag' };
  const e = env[f.env];
  return e === undefined || e === '' ? undefined : { text: e, from: 'env' };
}

/** Strictly read text: a value that is not one (`12abc`) becomes NaN, which the options refuse by name. */
function parse(f: UpFlag, text: string | boolean): string | number | boolean {
  if (typeof text === 'boolean') return text;
  switch (f.kind) {
    case 'integer':
      return /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
    case 'number':
      return /^[+-]?\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
    case 'boolean':
      // Anything else stays text, which the options refuse by name.
      return text === '1' || text === 'true' ? true : text === '0' || text === 'false' ? false : text;
    default:
      return text;
  }
}

/** Flags win over TRIBUTARY_* environment variables, which win over defaults. */
export function upOptions(flags: UpFlags, env: NodeJS.ProcessEnv = process.env): StartOptions {
  const server: Record<string, unknown> = {};
  const lambda: Record<string, unknown> = {};
  for (const f of UP_FLAGS) {
    const raw = rawValue(f, flags, env);
    const value = raw === undefined ? undefined : parse(f, raw.text);
    if ('server' in f.option) server[f.option.server] = value;
    else lambda[f.option.lambda] = value;
  }
  return { ...(server as ServerOptions), lambda: lambda as LambdaOptions };
}

/** An option error as the operator reads it: the flag, its variable, what it must be and what was given. */
export function optionErrorLine(
  field: string,
  why: string,
  flags: UpFlags,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const f = UP_FLAGS.find(
    (x) => ('server' in x.option ? x.option.server : `lambda.${x.option.lambda}`) === field,
  );
  if (f === undefined) return undefined;
  const raw = rawValue(f, flags, env);
  const got =
    raw === undefined
      ? ''
      : raw.from === 'flag'
        ? `, got ${JSON.stringify(raw.text)}`
        : `, got ${f.env}=${JSON.stringify(raw.text)}`;
  return `tributary: invalid ${f.spec.split(' ')[0]} (${f.env}): ${why}${got}`;
}

/** `tributary up`: starts the server, prints the ready line, and shuts down gracefully on SIGINT/SIGTERM. */
export async function up(flags: UpFlags): Promise<void> {
  // The first SIGINT/SIGTERM stops gracefully (App.close: in-flight work finishes, within --shutdown-timeout-ms);
  // a second one exits at once, like kill -9 (the workers die with the server, checkpoints are at least once).
  // The handlers are in place before the ready line, so a script may signal as soon as it reads it; a signal during
  // the start stops the server once it has started.
  let app: App | undefined;
  let stopping: 'SIGINT' | 'SIGTERM' | undefined;
  const stop = (a: App, signal: 'SIGINT' | 'SIGTERM'): void => {
    a.ctx.log.info(
      { signal, shutdownTimeoutMs: a.ctx.options.shutdownTimeoutMs },
      'shutting down: finishing the work in flight (send the signal again to exit at once)',
    );
    a.close().then(
      () => process.exit(0),
      (err: unknown) => {
        a.ctx.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (stopping) {
      app?.ctx.log.warn({ signal }, 'second signal: exiting at once');
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    stopping = signal;
    if (app) stop(app, signal);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  // Loaded here, not at the top: `tributary status` and `logs` never need the server's modules.
  const { startApp } = await import('../app/app.js');
  try {
    app = await startApp(upOptions(flags));
  } catch (err) {
    // What the operator fixes (an option, the port, the data dir): one line on stderr, no stack, exit code 1.
    let line: string | undefined;
    if (err instanceof ConfigError) line = optionErrorLine(err.field, err.why, flags);
    else if (!(err instanceof ListenError || err instanceof DataDirError)) throw err;
    process.stderr.write(`${line ?? `tributary: ${err.message.split('\n')[0]}`}\n`);
    process.exit(1);
  }
  const where = app.ctx.options.inMemory ? 'in memory' : `data in ${app.ctx.options.dataDir}`;
  // The one line scripts wait for.
  process.stdout.write(`Tributary listening on ${app.endpoint} (${where})\n`);
  if (stopping) stop(app, stopping);
}
