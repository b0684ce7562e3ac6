import { OPEN_ROLES, type ExecutionRoles } from '../iam/execution-roles.js';
import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';
import type { AppContext, Component } from '../server/context.js';
import type { Clock } from '../server/clock.js';
import { testAccess } from '../server/test-access.js';
import type { RestRoutes } from '../server/protocols/rest-json.js';
import { RuntimeHosts } from '../runtime/runtime-hosts.js';
import { RUNTIME_FAMILIES } from '../runtime/spawn-spec.js';
import { WorkerFleet, type FleetFigures } from '../runtime/worker-fleet.js';
import { AsyncInvocations } from './async-invocations.js';
import { CodeStore } from './code-store.js';
import { ConcurrencyLimiter } from './concurrency.js';
import { FunctionLogs } from './function-logs.js';
import { FunctionRegistry } from './function-registry.js';
import type { Target } from './versions.js';
import { Invocations } from './invocations.js';
import { Layers } from './layers.js';
import type { FunctionInfo, FunctionInvoker, InvokeResult } from './invoker.js';
import { functionNotFound } from './lambda-errors.js';
import type { LambdaContext } from './lambda-context.js';
import type { LambdaEvents } from './lambda-events.js';
import { compileLambdaOptions, type CompiledLambdaOptions, type LambdaOptions } from './lambda-options.js';
import { functionRoutes } from './rest-service.js';
import { openEventInvokeConfigs, type AsyncDestinations } from './event-invoke-config.js';
import { functionTags, type Taggable } from './tagging.js';

/** The Lambda component: the REST API, the function registry, worker processes, and the invoker others call. */
export interface Lambda extends Component, FunctionInvoker {
  /** Its part of the Lambda REST API (the function routes): see `lambdaRestService`. */
  readonly lambdaRoutes: RestRoutes;
  /** Functions' lifecycle, invocations, workers and log lines (CloudWatch's Lambda metrics read them). */
  readonly events: EventEmitter<LambdaEvents>;
  /** The functions (`tributary status` lists them). */
  readonly functions: FunctionRegistry;
  /** Where each runtime label runs on this machine (`tributary status` lists them). */
  readonly runtimes: RuntimeHosts;
  /** How many invocations run now: sync Invokes, Event invocations and mapping batches alike. */
  inFlight(): number;
  /** Resolves once no invocation runs (the graceful shutdown waits for it). */
  invocationsDone(): Promise<void>;
  /** Starts no more queued Event invocations (the graceful shutdown's first step; `close` does it too). */
  stopAsyncInvocations(): void;
  /** Where async invocations' on-success/on-failure records go (SQS queues, SNS topics), set in the wiring. */
  connectDestinations(d: AsyncDestinations): void;
  /** Another kind of resource the tag operations reach (event source mappings), set in the wiring. */
  addTaggable(t: Taggable): void;
  /** Test-only: the parts tests observe and steer, read by `test/harness/hooks.ts`. */
  readonly [testAccess]: LambdaInternals;
}

/** The Lambda component's parts, as the test harness sees them. */
export interface LambdaInternals {
  readonly limiter: ConcurrencyLimiter;
  readonly fleet: WorkerFleet;
  readonly logs: FunctionLogs;
  readonly asyncInvocations: AsyncInvocations;
  readonly options: CompiledLambdaOptions;
  /** Where function code and logs live (`<dataDir>/lambda`, or a temp dir with --in-memory). */
  readonly root: string;
}

/** Test-only inputs of the Lambda component (see `StartOptions.testHooks`). */
export interface LambdaTestHooks {
  /** The random source alias routing draws from, in [0, 1). @default Math.random */
  aliasRandom?: () => number;
  /** The clock async invocations' event age is measured by. @default the system clock */
  asyncClock?: Clock;
}

/**
 * The machine limit's figures (workers alive, invocations waiting for a slot, each invocation's wait) leave as
 * `workers` and `workerWait` events, which CloudWatch records (`cloudwatch/sources/worker-source.ts`).
 */
export function createLambda(
  app: AppContext,
  opts: LambdaOptions,
  hooks: LambdaTestHooks = {},
  /** What execution roles allow (IAM): CreateFunction and UpdateFunctionConfiguration check the role. */
  roles: ExecutionRoles = OPEN_ROLES,
): Lambda {
  const random = hooks.aliasRandom ?? Math.random;
  const options = compileLambdaOptions(opts, app.options.logLevel);
  const events = new EventEmitter<LambdaEvents>();
  events.setMaxListeners(0);
  const code = new CodeStore({ inMemory: app.options.inMemory, dataDir: app.options.dataDir });
  const logs = new FunctionLogs(code.root, {
    maxBytes: options.logFileMaxBytes,
    print: options.printFunctionLogs,
    onWriteError: (functionName, err) =>
      app.log.error(
        { err, functionName },
        "writing the function's log file failed (reported once per function and error)",
      ),
  });
  logs.on('line', (e) => events.emit('log', e));
  const hosts = new RuntimeHosts({
    runtimes: RUNTIME_FAMILIES,
    runtimePaths: options.runtimePaths,
    nodePath: options.nodePath,
    ...(options.nodePath === process.execPath ? { nodeVersion: process.version } : {}),
    pathEnv: process.env['PATH'] ?? '',
  });
  const unzipLimits = { maxBytes: options.maxUnzippedBytes, maxEntries: 100_000 };
  const functions = new FunctionRegistry(app, code, unzipLimits, undefined, hosts, (role, fn) =>
    roles.sessionFor(role, fn),
  );
  const layers = new Layers(app, code, unzipLimits);
  // AWS's limits decide throttling (limiter); the machine's limit (fleet, maxWorkers) only makes invocations wait.
  const limiter = new ConcurrencyLimiter(options.accountConcurrency, () => functions.reservedTotal);
  /** Code directories replaced or deleted, removed once no worker runs them. */
  const doomedCode = new Set<string>();

  const endpointUrl = (): string => {
    const host =
      app.endpoint.host === '0.0.0.0' || app.endpoint.host === '::' ? '127.0.0.1' : app.endpoint.host;
    return `http://${host.includes(':') ? `[${host}]` : host}:${app.endpoint.port}`;
  };
  const fleetEnv = {
    region: app.options.region,
    nodePath: options.nodePath,
    idleTimeoutMs: options.idleTimeoutMs,
    initTimeoutMs: options.initTimeoutMs,
    maxWorkers: options.maxWorkers,
    spareWorkers: options.spareWorkers,
    get endpointUrl(): string {
      return endpointUrl();
    },
  };
  const fleet: WorkerFleet = new WorkerFleet(fleetEnv, {
    log: (fn, line, logStream) => logs.write(fn, line, logStream),
    workerSpawned: (fn, w) => events.emit('workerSpawn', { functionName: fn, workerId: w.id, pid: w.pid }),
    workerExited: (fn, w, exit) => {
      events.emit('workerExit', {
        functionName: fn,
        workerId: w.id,
        pid: w.pid,
        reason: exit.reason,
        code: exit.code,
        signal: exit.signal,
      });
    },
    poolDrained: () => collectCode(),
    dequeued: (functionName, waitedMs, timedOut) =>
      events.emit('workerWait', { functionName, waitedMs, timedOut }),
    figuresChanged: (f) => tellWorkers(f),
  });
  const tellWorkers = (f: FleetFigures): void => {
    events.emit('workers', { alive: f.alive, maxWorkers: options.maxWorkers, waiting: f.blocked });
  };
  const invocations = new Invocations({ registry: functions, fleet, limiter, events });
  const eventInvokeConfigs = openEventInvokeConfigs(app.store);
  functions.addDependent(eventInvokeConfigs);
  let destinations: AsyncDestinations | undefined;
  const asyncInvocations: AsyncInvocations = new AsyncInvocations({
    app,
    registry: functions,
    invocations,
    limiter,
    events,
    options,
    configs: eventInvokeConfigs,
    ...(hooks.asyncClock ? { clock: hooks.asyncClock } : {}),
    // A function destination is an Event invoke of it; queues and topics go through SNS's router.
    deliver: async (arn, record) => {
      const fn = functions.resolve(arn);
      if (fn) {
        await asyncInvocations.enqueue(
          functions.pick(fn, random).record,
          Buffer.from(record),
          undefined,
          fn.arn,
          fn.qualifier,
        );
        return;
      }
      if (!destinations) throw new Error(`no destination service for ${arn}`);
      await destinations.send(arn, record);
    },
  });
  const taggables: Taggable[] = [functionTags(functions)];

  const collectCode = (): void => {
    if (doomedCode.size === 0) return;
    const inUse = fleet.codeDirsInUse();
    const referenced = functions.codeDirsReferenced();
    for (const dir of doomedCode) {
      // A published version still runs it: it is doomed again when that version goes.
      if (referenced.has(dir)) doomedCode.delete(dir);
      if (inUse.has(dir) || referenced.has(dir)) continue;
      doomedCode.delete(dir);
      void rm(dir, { recursive: true, force: true }).then(() => rm(`${dir}.zip`, { force: true }));
    }
  };

  functions.on('created', (r) =>
    events.emit('functionCreated', { functionName: r.name, functionArn: functions.arn(r.name) }),
  );
  functions.on('updated', (r) => {
    // Warm workers run the old code or settings: let them finish and go.
    fleet.retire(r.name, '$LATEST');
    events.emit('functionUpdated', { functionName: r.name, revisionId: r.revisionId });
  });
  functions.on('versionDeleted', (v) => {
    fleet.retire(v.name, v.version);
    doomedCode.add(code.dir(v.name, v.codeId));
    collectCode();
  });
  functions.on('deleted', (r, versions) => {
    fleet.retire(r.name);
    doomedCode.add(code.dir(r.name, r.codeId));
    for (const v of versions) doomedCode.add(code.dir(v.name, v.codeId));
    collectCode();
    void asyncInvocations
      .dropFunction(r.name)
      .catch((err: unknown) => app.log.error({ err }, 'dropping queued events failed'));
    events.emit('functionDeleted', { functionName: r.name, functionArn: functions.arn(r.name) });
  });
  functions.on('stateChanged', (e) => {
    events.emit('stateChanged', e);
    if (e.state === 'Active') asyncInvocations.wake(e.functionName);
  });

  const context: LambdaContext = {
    app,
    options,
    functions,
    invocations,
    asyncInvocations,
    fleet,
    logs,
    limiter,
    layers,
    codeReplaced(functionName, oldCodeId) {
      doomedCode.add(code.dir(functionName, oldCodeId));
      collectCode();
    },
    codePath: (functionName, codeId) => code.zipPath(functionName, codeId),
    random,
    roles,
    eventInvokeConfigs,
    destinations: () => destinations,
    taggables,
  };

  // A qualified name (alias or version) stays qualified: a mapping on an alias follows the alias when it moves.
  const lookup = (nameOrArn: string): FunctionInfo | undefined => {
    const t = functions.resolve(nameOrArn);
    return t ? { functionName: t.record.name, functionArn: t.arn, role: t.record.role } : undefined;
  };

  const target = (nameOrArn: string): Target => {
    const t = functions.resolve(nameOrArn);
    if (!t) throw functionNotFound(nameOrArn.startsWith('arn:') ? nameOrArn : functions.arn(nameOrArn));
    return t;
  };

  const invoke = async (nameOrArn: string, payload: Buffer): Promise<InvokeResult> => {
    const t = target(nameOrArn);
    const { record, version } = functions.pick(t, random);
    const result = await invocations.invokeSync(record, payload, { invokedArn: t.arn });
    const out: InvokeResult = {
      statusCode: 200,
      payload: result.payload,
      executedVersion: version,
      requestId: result.requestId,
      durationMs: result.durationMs,
    };
    if (result.status !== 'success') out.functionError = 'Unhandled';
    return out;
  };

  const invokeAsync = async (nameOrArn: string, payload: Buffer): Promise<void> => {
    const t = target(nameOrArn);
    await asyncInvocations.enqueue(functions.pick(t, random).record, payload, undefined, t.arn, t.qualifier);
  };

  let closed = false;
  const lambda: Lambda = {
    name: 'lambda',
    // Its REST API is one service with the mappings' routes, assembled in the wiring (lambdaRestService).
    services: [],
    lambdaRoutes: functionRoutes(context),
    invoke,
    invokeAsync,
    lookup,
    events,
    functions,
    inFlight: () => limiter.inFlight(),
    invocationsDone: () =>
      new Promise((resolve) => {
        const check = (): void => {
          if (limiter.inFlight() > 0) return;
          limiter.off('released', check);
          resolve();
        };
        limiter.on('released', check);
        check();
      }),
    stopAsyncInvocations: () => asyncInvocations.close(),
    runtimes: hosts,
    connectDestinations: (d) => {
      destinations = d;
    },
    addTaggable: (t) => taggables.push(t),
    [testAccess]: { limiter, fleet, logs, asyncInvocations, options, root: code.root },
    async start() {
      // Interpreters are probed from construction on; functions are specified with them.
      await hosts.all();
      // The figures from the start (no worker yet, the limit), so they show before the first invocation.
      tellWorkers(fleet.figures);
      await functions.start();
      await layers.start(functions.list());
      asyncInvocations.start();
    },
    async close() {
      if (closed) return;
      closed = true;
      asyncInvocations.close();
      functions.close();
      await fleet.shutdown();
      await logs.close();
      code.close();
    },
  };
  return lambda;
}
