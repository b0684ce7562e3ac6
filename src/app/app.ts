import type { Logger } from 'pino';
import { openStore } from '../store/open-store.js';
import { DataDirError, lockDataDir, type DataDirLock } from '../store/data-dir.js';
import type { Store } from '../store/store.js';
import { Listener } from '../server/listener.js';
import { serverLogger } from '../server/logger.js';
import {
  compileServerOptions,
  exposureError,
  type CompiledServerOptions,
  type ServerOptions,
} from '../server/options.js';
import { Router, type TestHooks } from '../server/router.js';
import { ErrorPath } from '../server/error-path.js';
import { internalErrorSink } from '../cloudwatch/sources/server-source.js';
import { frontEndFallback } from '../server/protocols/rpc.js';
import type { AppContext } from '../server/context.js';
import { Regions } from './regions.js';
import type { Kinesis } from '../kinesis/kinesis.js';
import { Registry } from 'prom-client';
import type { Mappings, MappingsOptions } from '../mappings/mappings.js';
import { adminService, type Health, type ServerState } from './admin-service.js';
import { consoleService } from './console-service.js';
import { consoleApi } from './console-api.js';
import { ConsoleLogins, loginUrl } from './console-login.js';
import { consoleEvents } from './console-events.js';
import { RecentInvocations } from './recent-invocations.js';
import { AwsError } from '../server/errors.js';
import { VERSION } from '../server/version.js';
import { statusReport } from './status-report.js';
import { stacksService } from './stacks-service.js';
import type { Sqs } from '../sqs/sqs.js';
import type { Sns } from '../sns/sns.js';
import type { Lambda } from '../lambda/lambda.js';
import type { LambdaOptions } from '../lambda/lambda-options.js';
import type { CloudWatch } from '../cloudwatch/cloudwatch.js';
import type { CloudWatchOptions } from '../cloudwatch/options.js';
import type { FanOutOptions } from '../kinesis/fan-out/options.js';
import type { FunctionInvoker } from '../lambda/invoker.js';
import { testAccess } from '../server/test-access.js';
import { systemClock, type Clock } from '../server/clock.js';
import {
  Authenticator,
  chainCredentials,
  rootCredentials,
  type CredentialSource,
} from '../server/auth/authenticator.js';
import { createIam } from '../iam/iam.js';
import { OPEN_ROLES, rolesFromIam, workerSessions, type ExecutionRoles } from '../iam/execution-roles.js';
import { apiAuthorizer } from '../iam/api-authorizer.js';
import type { IamAccounts } from '../iam/iam-accounts.js';
import type { Logs } from '../logs/logs.js';
import type { LogsOptions } from '../logs/options.js';

export { testAccess };

/** The components whole, as the test harness sees them (`testAccess`). */
export interface AppInternals {
  readonly kinesis: Kinesis;
  readonly lambda: Lambda;
  readonly mappings: Mappings;
  readonly sqs: Sqs;
  readonly sns: Sns;
  readonly cloudwatch: CloudWatch;
  readonly logs: Logs;
  /** The accounts' IAM registries (their users, keys and STS sessions). */
  readonly iam: IamAccounts;
}

/** A running Tributary server: every component on one port. */
export interface App extends AsyncDisposable {
  readonly ctx: AppContext;
  readonly endpoint: string;
  readonly metrics: Registry;
  /** Functions as their callers see them: invoke one, look one up. */
  readonly lambda: FunctionInvoker;
  /** Test-only: see `testAccess`. */
  readonly [testAccess]: AppInternals;
  /** `starting` until every component has started, `ready`, then `stopping` once `close` is called. */
  readonly state: ServerState;
  /** What GET /_tributary/health answers. */
  health(): Health;
  /**
   * A new one-time sign-in link for the web console, as the account's root (`tributary up` prints one); undefined
   * when the server does not check signatures (the console needs none). See console-login.ts.
   */
  consoleLink(): string | undefined;
  /**
   * Stops the server gracefully (SIGINT/SIGTERM): it stops taking requests (refused with 503 ServiceUnavailable,
   * health answering `stopping`; long polls and event streams end), lets the requests, invocations and mapping
   * batches in flight finish and flushes the mappings' checkpoints, for at most `shutdownTimeoutMs`; then it stops
   * what is still running (function workers are killed), closes every component and the store, and frees the data
   * dir. Idempotent.
   */
  close(): Promise<void>;
}

export interface StartOptions extends ServerOptions {
  /** Logger to use instead of a new pino instance (tests pass a silent one). */
  logger?: Logger;
  /** Event source mapping engine options (retry backoff). */
  mappings?: MappingsOptions;
  /** Lambda options (concurrency, worker idle time, async retry delays...). */
  lambda?: LambdaOptions;
  /** CloudWatch metrics options (retention, limits). */
  cloudwatch?: CloudWatchOptions;
  /** CloudWatch Logs options (the size cap, how often retention is applied). */
  logs?: LogsOptions;
  /** Enhanced fan-out timings and limits (tests shorten the 5 s / 5 min rules). */
  fanOut?: FanOutOptions;
  /** Test-only hooks (a deliberately failing operation, to check the error path). Never set in production. */
  testHooks?: TestHooks & StartHooks;
}

/** Test-only hooks of the start. */
export interface StartHooks {
  /** Awaited once the port is bound, before the components start (the server is `starting`). */
  starting?(endpoint: string): Promise<void>;
  /**
   * The Kinesis component's clock (a virtual one): streams' and consumers' transition delays, and the times the
   * registry stamps (creation, arrival, closing). @default the system clock
   */
  kinesisClock?: Clock;
  /** The mapping engine's clock (a virtual one). @default the system clock */
  mappingsClock?: Clock;
  /**
   * The clock CloudWatch metrics are bucketed by, in epoch ms: one that jumps whole minutes spares tests real
   * minutes. @default Date.now
   */
  metricsClock?: () => number;
  /** The random source Lambda alias routing (AdditionalVersionWeights) draws from, in [0, 1). @default Math.random */
  aliasRandom?: () => number;
  /** The clock Lambda's async invocations measure event age by (a virtual one). @default the system clock */
  lambdaAsyncClock?: Clock;
  /** MaximumRecordAgeInSeconds is applied as if it were this many times smaller (>= 1). @default 1 */
  recordAgeScale?: number;
}

/**
 * Starts a server. On disk, it first takes the data dir's lock (one server per data dir): a data dir that is in
 * use, not a directory or not writable fails with a DataDirError, whose message is one line for the operator.
 */
export async function startApp(opts: StartOptions = {}): Promise<App> {
  const options = compileServerOptions(opts);
  const lock = options.inMemory ? undefined : lockDataDir(options.dataDir);
  let store: Store;
  try {
    store = openStore({ inMemory: options.inMemory, dataDir: options.dataDir });
  } catch (err) {
    lock?.release();
    const why = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new DataDirError(`cannot open the store in data dir ${lock?.dir ?? options.dataDir} (${why})`);
  }
  try {
    return await startOn(opts, options, store, lock);
  } catch (err) {
    try {
      await store.close();
    } finally {
      lock?.release();
    }
    throw err;
  }
}

async function startOn(
  opts: StartOptions,
  options: CompiledServerOptions,
  store: Store,
  lock: DataDirLock | undefined,
): Promise<App> {
  const log = opts.logger ?? serverLogger(options.logLevel);
  for (const line of lock?.tightened ?? []) log.warn(line);
  const metrics = new Registry();
  const errors = new ErrorPath(log);
  const ctx: AppContext = {
    options,
    store,
    log,
    errors,
    endpoint: { host: options.host, port: options.port },
  };

  const accounts = options.accounts.map((a) => a.id);
  // IAM (and STS) are global, not per region, and per account: each account's roles, users and policies.
  const iam = createIam(ctx, options.iam === 'enforce', accounts);
  // A region's functions and mappings check their execution roles in their account's IAM.
  const rolesOf = (account: string): ExecutionRoles => {
    const registry = iam.accounts.registry(account);
    return {
      ...(iam.enforce ? rolesFromIam(registry) : OPEN_ROLES),
      // Workers sign their own SDK calls as their role when the server checks signatures.
      sessionFor: options.auth === 'on' ? workerSessions(registry) : () => undefined,
    };
  };
  // Each account's region has its own components; the default region's are the App's (see regions.ts).
  const regions = new Regions(ctx, opts, metrics, rolesOf, accounts);
  const { kinesis, sqs, lambda, logs, sns, mappings, cloudwatch } = regions.default;
  // The HTTP layer's bugs are the server's, counted by the default region's recorder (the one `/metrics` and the
  // status report show) from here on; any reported while the components were built are handed over now.
  errors.countInto(internalErrorSink(cloudwatch.recorder));

  let state: ServerState = 'starting';
  const health = (): Health => ({
    status: state,
    store: options.inMemory ? 'memory' : 'lmdb',
    version: VERSION,
  });
  const auth = authenticator(options, iam.accounts);
  const router = new Router(
    log,
    errors,
    opts.testHooks,
    auth,
    iam.enforce ? apiAuthorizer(iam.accounts) : undefined,
  );
  // Sign-in links make sessions of the default account's IAM registry, which the authenticator's chain looks up.
  const logins = auth ? new ConsoleLogins(iam.accounts.default, systemClock) : undefined;
  router.add(adminService(metrics, () => statusReport({ kinesis, mappings, lambda, cloudwatch }), health));
  // Deployed SAM stacks' state (`tributary deploy`).
  router.add(stacksService(ctx));
  for (const s of iam.services) router.add(s);
  // The API services, in the request's region (regions.ts).
  for (const s of regions.services()) router.add(s);
  // Then the console's endpoints, and the console itself, which takes only GET requests no API service claimed
  // (a browser's `/` without an Action, `/console/*`).
  const recent = new RecentInvocations(lambda.events);
  router.add(
    consoleApi({
      streams: kinesis.streams,
      mappings,
      recent,
      errors,
      logins,
      region: options.region,
      account: options.account,
    }),
  );
  router.add(
    consoleEvents(
      { kinesis: kinesis.events, mappings, lambda: lambda.events },
      auth ? (a) => auth.isCurrent(a) : undefined,
    ),
  );
  router.add(consoleService());
  // After everything: what no service claimed at `/` gets the answers of AWS's JSON front end (rpc.ts).
  router.add(frontEndFallback());

  const listener = new Listener({
    port: options.port,
    host: options.host,
    dispatch: router.dispatch,
    log,
    errors,
  });
  const bound = await listener.listen();
  const exposed = exposureError(options, opts.auth !== undefined, bound.host);
  if (exposed) {
    await listener.close();
    throw exposed;
  }
  ctx.endpoint = bound;
  const endpoint = `http://${bound.host}:${bound.port}`;
  try {
    await opts.testHooks?.starting?.(endpoint);
    await regions.start();
  } catch (err) {
    // The caller closes the store and frees the data dir.
    await listener.close();
    await regions.closeAfterFailedStart();
    throw err;
  }
  state = 'ready';

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      state = 'stopping';
      router.refuse(new AwsError('ServiceUnavailable', 'Tributary is shutting down', 503), 'admin');
      // Gracefully, within the shutdown timeout: mappings start no new batch and flush their checkpoints once their
      // batches in flight are done; no queued Event invocation starts; requests and invocations in flight finish.
      const all = regions.all();
      const mappingsClosed = Promise.all(all.map((r) => r.mappings.close()));
      for (const r of all) r.lambda.stopAsyncInvocations();
      const drained = Promise.all([
        mappingsClosed,
        listener.drain(),
        ...all.map((r) => r.lambda.invocationsDone()),
      ]);
      let timer: NodeJS.Timeout | undefined;
      const inTime = await Promise.race([
        drained.then(() => true),
        new Promise<false>(
          (resolve) => (timer = setTimeout(() => resolve(false), options.shutdownTimeoutMs)),
        ),
      ]);
      clearTimeout(timer);
      await listener.close();
      if (!inTime) {
        log.warn(
          {
            shutdownTimeoutMs: options.shutdownTimeoutMs,
            invocations: all.reduce((n, r) => n + r.lambda.inFlight(), 0),
          },
          'shutdown timeout: stopping the invocations still running',
        );
        // Lambda first: its workers are killed, so the invocations still running end (as failures) and the mapping
        // batches waiting for them end too: a stopped mapping does not retry them, so they are delivered again after
        // a restart (but a mapping with MaximumRetryAttempts 0 discards them, as after any failed invoke).
        for (const r of all) await r.lambda.close();
      }
      await mappingsClosed;
      for (const r of all) {
        for (const c of [...r.components].reverse()) if (c !== r.mappings) await c.close();
      }
      try {
        await store.close();
      } finally {
        lock?.release();
      }
    })());

  return {
    ctx,
    endpoint,
    metrics,
    lambda,
    [testAccess]: { kinesis, lambda, mappings, sqs, sns, cloudwatch, logs, iam: iam.accounts },
    get state() {
      return state;
    },
    health,
    consoleLink() {
      if (!logins) return undefined;
      const root = `arn:aws:iam::${options.account}:root`;
      const principal = { kind: 'root', account: options.account, arn: root, accessKeyId: '' } as const;
      return loginUrl(endpoint, logins.issue(principal));
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** The signature checker of a server whose auth is on: every account's root key pair, then IAM's keys and sessions. */
function authenticator(options: CompiledServerOptions, iam: CredentialSource): Authenticator | undefined {
  if (options.auth === 'off' || options.accessKeyId === undefined || options.secretAccessKey === undefined)
    return undefined;
  // Each account's root keys sign as its root; IAM users' keys and STS sessions as their account's principals.
  const roots = [
    rootCredentials(options.accessKeyId, options.secretAccessKey, options.account),
    ...options.accounts.map((a) => rootCredentials(a.accessKeyId, a.secretAccessKey, a.id)),
  ];
  return new Authenticator(chainCredentials(...roots, iam), systemClock);
}
