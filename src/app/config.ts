import { readFileSync } from 'node:fs';
import { compileCloudWatchOptions } from '../cloudwatch/options.js';
import { compileFanOutOptions } from '../kinesis/fan-out/options.js';
import { compileLambdaOptions, defaultMaxWorkers } from '../lambda/lambda-options.js';
import { compileLogsOptions } from '../logs/options.js';
import { compileMappingsOptions } from '../mappings/options.js';
import { ConfigError } from '../server/config-error.js';
import { compileServerOptions, LOG_LEVELS } from '../server/options.js';
import type { StartOptions } from './app.js';

/**
 * The configuration of `tributary up`, one chain for every component's options: defaults (each component's
 * `compile*Options`), then a JSON config file (`--config`, TRIBUTARY_CONFIG), then TRIBUTARY_* environment
 * variables, then flags; the last that sets a field wins. The file has the shape of StartOptions: server fields at
 * the top (`port`, `logLevel`...), the others under their component (`lambda`, `mappings`, `cloudwatch`, `logs`, `fanOut`).
 * Values are checked by the components, which throw one ConfigError naming the field; `configErrorLine` says which
 * flag, variable or file set it. This module only reads options modules, so `tributary --help` stays cheap.
 */

/** How a value given as text (a flag, a variable) is read, and what JSON type the config file must give. */
type Kind = 'integer' | 'number' | 'string' | 'boolean' | 'numbers' | 'pairs' | 'accounts';

/** One configurable field: its flag, its variable and how --help shows it. */
export interface UpFlag {
  /** As the config file spells it: `port`, `lambda.accountConcurrency` (`config` for --config itself). */
  readonly path: string;
  /** commander's spelling: `--port <port>`. */
  readonly spec: string;
  /** The key commander hands the flag's value under (camelCase of the flag). */
  readonly key: string;
  /** The TRIBUTARY_* variable used when the flag is not given (an empty value counts as not set). */
  readonly env: string;
  /** How the text is read: integers and numbers strictly (no `12abc`, `0x10` or `1e3`); lists comma-separated. */
  readonly kind: Kind;
  readonly help: string;
  /** How --help shows a value of the variable, after its name (`=1`). */
  readonly envValue?: string;
  /** The default as shown in --help. */
  readonly shownDefault: () => string;
}

/** The flags of `tributary up`, as commander hands them over (camelCase keys, text as typed). */
export type UpFlags = Record<string, string | boolean | undefined>;

/** Each component's defaults, by the config file's section (server fields have none). */
const DEFAULTS: Record<string, () => object> = {
  '': () => compileServerOptions({}),
  lambda: () => compileLambdaOptions({}),
  mappings: () => compileMappingsOptions(),
  cloudwatch: () => compileCloudWatchOptions(),
  logs: () => compileLogsOptions(),
  fanOut: () => compileFanOutOptions(),
};

const kebab = (s: string): string => s.replace(/[A-Z.]/g, (c) => (c === '.' ? '-' : `-${c.toLowerCase()}`));
const camel = (s: string): string => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function defaultOf(path: string): string {
  const [section, field] = path.includes('.') ? path.split('.') : ['', path];
  const v = (DEFAULTS[section!]!() as Record<string, unknown>)[field!];
  return Array.isArray(v) ? v.join(',') : String(v);
}

/**
 * A field; its flag is `--<section>-<field>` and its variable TRIBUTARY_<SECTION>_<FIELD> unless `name` (the flag
 * without `--`, and the variable after TRIBUTARY_) says otherwise.
 */
function field(
  path: string,
  kind: Kind,
  help: string,
  more: { name?: string; env?: string; value?: string; envValue?: string; shownDefault?: () => string } = {},
): UpFlag {
  const name = more.name ?? kebab(path);
  const value =
    more.value ??
    (kind === 'boolean' ? '<bool>' : kind === 'numbers' ? '<list>' : path.endsWith('Ms') ? '<ms>' : '<n>');
  return {
    path,
    spec: value === '' ? `--${name}` : `--${name} ${value}`,
    key: camel(name),
    env: `TRIBUTARY_${(more.env ?? name).replace(/-/g, '_').toUpperCase()}`,
    kind,
    help,
    ...(more.envValue !== undefined ? { envValue: more.envValue } : {}),
    shownDefault: more.shownDefault ?? (() => defaultOf(path)),
  };
}

/** Every flag of `tributary up`, in --help order: the config file, then every component's options. */
export const UP_FLAGS: readonly UpFlag[] = [
  field('config', 'string', 'JSON config file (see README: Configuration)', {
    name: 'config',
    value: '<file>',
    shownDefault: () => 'none',
  }),
  field('port', 'integer', 'TCP port (0: any free port)', { name: 'port', value: '<port>' }),
  field('host', 'string', 'interface to bind, an IP address or host name (0.0.0.0: every interface)', {
    name: 'host',
    value: '<host>',
  }),
  field('dataDir', 'string', 'data directory, created if missing; one server at a time', {
    name: 'data-dir',
    value: '<dir>',
  }),
  field('inMemory', 'boolean', 'keep nothing on disk', {
    name: 'in-memory',
    value: '',
    envValue: '=1',
    shownDefault: () => 'off',
  }),
  field('region', 'string', 'default region (of unsigned requests)', { name: 'region', value: '<region>' }),
  field('account', 'string', '12-digit account id used in ARNs', { name: 'account', value: '<id>' }),
  field('accessKeyId', 'string', 'root access key id; with it every request must be SigV4-signed', {
    name: 'access-key-id',
    value: '<id>',
    shownDefault: () => 'none',
  }),
  field('secretAccessKey', 'string', 'its secret access key (prefer the variable: flags show in ps)', {
    name: 'secret-access-key',
    value: '<key>',
    shownDefault: () => 'none',
  }),
  field('auth', 'string', 'on|off: check signatures (off accepts any credentials: loopback only)', {
    name: 'auth',
    value: '<mode>',
    shownDefault: () => 'on with credentials, else off',
  }),
  field('iam', 'string', 'enforce|off: authorize calls and execution roles by IAM policies', {
    name: 'iam',
    value: '<mode>',
    shownDefault: () => 'enforce with credentials, else off',
  }),
  field('accounts', 'accounts', 'more accounts and their root keys: id:accessKeyId:secretAccessKey,...', {
    name: 'accounts',
    value: '<list>',
    shownDefault: () => 'none',
  }),
  field('logLevel', 'string', LOG_LEVELS.join('|'), { name: 'log-level', value: '<level>' }),
  field(
    'transitionDelayMs',
    'number',
    'how long CREATING/UPDATING/DELETING and mapping transitions last (0 allowed)',
    { name: 'transition-delay-ms' },
  ),
  field(
    'shutdownTimeoutMs',
    'integer',
    'on SIGINT/SIGTERM, how long in-flight invocations and batches get to finish',
    { name: 'shutdown-timeout-ms' },
  ),
  field(
    'lambda.accountConcurrency',
    'integer',
    'AWS account concurrency: invocations beyond it are throttled',
    {
      name: 'account-concurrency',
    },
  ),
  field('lambda.maxWorkers', 'integer', 'worker processes alive at once; more invocations wait their turn', {
    name: 'max-workers',
    shownDefault: () =>
      `${defaultMaxWorkers()} here (4 per CPU, at most 1 per 256 MiB of memory, at least 2)`,
  }),
  field('lambda.idleTimeoutMs', 'integer', 'an idle worker process is ended after this long'),
  field(
    'lambda.initTimeoutMs',
    'integer',
    'a starting runtime must ask for its first invocation within this',
  ),
  field('lambda.asyncRetryDelaysMs', 'numbers', 'delays before the retries of a failed Event invocation'),
  field('lambda.asyncMaxEventAgeMs', 'integer', 'Event invocations older than this are dropped'),
  field('lambda.logFileMaxBytes', 'integer', "a function's log file is rotated past this size"),
  field('lambda.printFunctionLogs', 'boolean', 'print function log lines on stdout, prefixed [function]', {
    shownDefault: () => 'true (false with --log-level silent)',
  }),
  field('lambda.maxUnzippedBytes', 'integer', 'largest unzipped deployment package'),
  field('lambda.nodePath', 'string', 'Node.js binary for the nodejs* runtimes', { value: '<path>' }),
  field(
    'lambda.runtimePaths',
    'pairs',
    'interpreters by runtime, before PATH: nodejs22.x=/path,python3.12=/path',
    {
      name: 'runtime-path',
      env: 'runtime-paths',
      value: '<runtime=path,...>',
      shownDefault: () => 'PATH (node22, python3.12, ...)',
    },
  ),
  field(
    'lambda.spareWorkers',
    'integer',
    'pre-started runtimes kept per recently used kind (Node.js or a Python interpreter, and MemorySize) (0-8)',
  ),
  field('mappings.retryBaseMs', 'number', 'first retry delay of a failed batch; doubles per retry'),
  field('mappings.retryMaxMs', 'number', 'longest retry delay of a failed batch'),
  field(
    'mappings.checkpointDelayMs',
    'number',
    "how long a checkpoint waits to be written with its mapping's others",
  ),
  field('mappings.lagIntervalMs', 'number', 'how often each mapping samples its lag and its watchdog looks'),
  field(
    'mappings.stallMs',
    'number',
    'a shard with records pending and nothing under way this long is a bug',
  ),
  field('cloudwatch.retentionMinutes', 'integer', 'one-minute buckets of metric history kept'),
  field('cloudwatch.maxSeries', 'integer', 'most metric time series kept'),
  field('cloudwatch.maxBuckets', 'integer', 'most one-minute buckets kept over all series'),
  field(
    'cloudwatch.persistIntervalMs',
    'number',
    "how often the current minute's metrics are written to the store",
  ),
  field(
    'logs.maxStoredBytes',
    'integer',
    'most bytes of log events kept over all log groups of a region (oldest go first)',
  ),
  field('logs.retentionSweepMs', 'number', "how often events past their log group's retention are removed"),
  field('fanOut.heartbeatMs', 'number', 'longest gap between two SubscribeToShard events'),
  field('fanOut.subscriptionLifetimeMs', 'number', 'how long one SubscribeToShard subscription lasts'),
  field('fanOut.takeoverAfterMs', 'number', 'a second SubscribeToShard within this is ResourceInUse'),
  field('fanOut.maxEventBytes', 'integer', 'most record bytes one SubscribeToShard event carries'),
  field('fanOut.maxEventRecords', 'integer', 'most records one SubscribeToShard event carries'),
  field('fanOut.maxConsumersPerStream', 'integer', 'consumers a stream can have registered'),
  field('fanOut.maxCreatingConsumers', 'integer', 'consumers of a stream CREATING at the same time'),
];

const BY_PATH = new Map(UP_FLAGS.map((f) => [f.path, f]));

/** `env TRIBUTARY_PORT, default 4600`: where a flag's value comes from when it is not given. */
export function flagFallback(f: UpFlag): string {
  return `env ${f.env}${f.envValue ?? ''}, default ${f.shownDefault()}`;
}

/** A flag's help line: what it does, its variable and its default. */
export function flagHelp(f: UpFlag): string {
  return `${f.help} (${flagFallback(f)})`;
}

/** Where a field's value came from: the last layer that set it. */
export type ConfigSource =
  | { from: 'flag'; text: string | boolean }
  | { from: 'env'; text: string }
  | { from: 'file'; file: string; value: unknown };

/** Strictly read text: a value that is not one (`12abc`) becomes NaN, which the options refuse by name. */
function parse(kind: Kind, text: string | boolean): unknown {
  if (typeof text === 'boolean') return text;
  switch (kind) {
    case 'integer':
      return /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
    case 'number':
      return /^[+-]?\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
    case 'numbers':
      return text.split(',').map((t) => parse('number', t.trim()));
    case 'pairs': {
      // `a=x,b=y`; an entry without `=` keeps an empty path, which the options refuse by name.
      const pairs: Record<string, string> = {};
      for (const entry of text.split(',')) {
        const eq = entry.indexOf('=');
        if (entry.trim() !== '')
          pairs[(eq < 0 ? entry : entry.slice(0, eq)).trim()] = eq < 0 ? '' : entry.slice(eq + 1).trim();
      }
      return pairs;
    }
    case 'accounts':
      // `id:keyId:secret,...` (a secret may hold `:`, not `,`: such a secret goes in the config file); an entry
      // without its three parts keeps empty fields, which the options refuse by name.
      return text
        .split(',')
        .filter((entry) => entry.trim() !== '')
        .map((entry) => {
          const [id = '', accessKeyId = '', ...secret] = entry.trim().split(':');
          return { id, accessKeyId, secretAccessKey: secret.join(':') };
        });
    case 'boolean':
      // Anything else stays text, which the options refuse by name.
      return text === '1' || text === 'true' ? true : text === '0' || text === 'false' ? false : text;
    default:
      return text;
  }
}

/** The JSON type a config file must give a field of this kind (its range is the component's to check). */
function jsonTypeOk(kind: Kind, v: unknown): boolean {
  if (kind === 'integer' || kind === 'number') return typeof v === 'number';
  if (kind === 'numbers') return Array.isArray(v) && v.every((x) => typeof x === 'number');
  if (kind === 'pairs') return isObject(v) && Object.values(v).every((x) => typeof x === 'string');
  if (kind === 'accounts') return Array.isArray(v) && v.every(isObject);
  return typeof v === kind;
}

/** How a config file error names the JSON type a kind wants, where it is not the kind's own name. */
const JSON_TYPES: Partial<Record<Kind, string>> = {
  numbers: 'list of numbers',
  pairs: 'object of strings',
  integer: 'number',
  accounts: 'list of {"id", "accessKeyId", "secretAccessKey"} objects',
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fields a config file sets, by path; an unknown field or a value of the wrong JSON type is a ConfigError. */
function readConfigFile(
  file: string,
  read: (file: string) => string,
  set: (path: string, value: unknown, source: ConfigSource) => void,
): void {
  let doc: unknown;
  try {
    doc = JSON.parse(read(file));
  } catch (err) {
    throw new ConfigError('config', `cannot read ${file} (${(err as Error).message.split('\n')[0]})`);
  }
  if (!isObject(doc)) throw new ConfigError('config', `${file} must hold a JSON object`);
  const entries: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key in DEFAULTS && key !== '' && isObject(value))
      for (const [sub, v] of Object.entries(value)) entries.push([`${key}.${sub}`, v]);
    else entries.push([key, value]);
  }
  for (const [path, value] of entries) {
    const f = BY_PATH.get(path);
    set(path, value, { from: 'file', file, value });
    if (f === undefined || path === 'config') throw new ConfigError(path, 'is not an option');
    if (!jsonTypeOk(f.kind, value))
      throw new ConfigError(path, `must be a JSON ${JSON_TYPES[f.kind] ?? f.kind}`);
  }
}

/**
 * The start options `tributary up` runs with: defaults < config file < TRIBUTARY_* variables < flags. `sources` is
 * filled with where each set field came from, also when a ConfigError is thrown (for `configErrorLine`).
 */
export function resolveConfig(
  flags: UpFlags,
  env: NodeJS.ProcessEnv = process.env,
  read: (file: string) => string = (file) => readFileSync(file, 'utf8'),
  sources = new Map<string, ConfigSource>(),
): StartOptions {
  const values = new Map<string, unknown>();
  const set = (path: string, value: unknown, source: ConfigSource): void => {
    values.set(path, value);
    sources.set(path, source);
  };
  const configFile = BY_PATH.get('config')!;
  const file = flags[configFile.key] ?? (env[configFile.env] || undefined);
  if (file !== undefined) {
    sources.set(
      'config',
      flags[configFile.key] !== undefined
        ? { from: 'flag', text: file }
        : { from: 'env', text: String(file) },
    );
    readConfigFile(String(file), read, set);
  }
  for (const f of UP_FLAGS) {
    const e = env[f.env];
    if (f !== configFile && e !== undefined && e !== '')
      set(f.path, parse(f.kind, e), { from: 'env', text: e });
  }
  for (const f of UP_FLAGS) {
    const given = flags[f.key];
    if (f !== configFile && given !== undefined)
      set(f.path, parse(f.kind, given), { from: 'flag', text: given });
  }
  const options: Record<string, unknown> = {};
  for (const [path, value] of values) {
    const [section, name] = path.split('.');
    if (name === undefined) options[path] = value;
    else ((options[section!] ??= {}) as Record<string, unknown>)[name] = value;
  }
  return options as StartOptions;
}

/** Fields whose values hold secret keys. */
const SECRET_FIELDS = new Set(['secretAccessKey', 'accounts']);

/** A ConfigError as the operator reads it, one line: the flag, variable or file entry, what it must be, what was given. */
export function configErrorLine(err: ConfigError, sources: ReadonlyMap<string, ConfigSource>): string {
  const f = BY_PATH.get(err.field);
  const s = sources.get(err.field);
  // Secrets are never repeated: the error names the field (and the entry) instead.
  const shown = (text: string): string => (SECRET_FIELDS.has(err.field) ? '' : `, got ${text}`);
  if (s?.from === 'file')
    return `tributary: invalid ${err.field} in ${s.file}: ${err.why}${shown(JSON.stringify(s.value))}`;
  if (f === undefined) return `tributary: invalid ${err.field}: ${err.why}`;
  const got =
    s === undefined
      ? ''
      : s.from === 'flag'
        ? shown(JSON.stringify(s.text))
        : shown(`${f.env}=${JSON.stringify(s.text)}`);
  return `tributary: invalid ${f.spec.split(' ')[0]} (${f.env}): ${err.why}${got}`;
}
