import { OPEN_ROLES, type ExecutionRoles } from '../iam/execution-roles.js';
import { roleProblem } from './role-permissions.js';
import { EventEmitter } from 'node:events';
import type { StreamRegistry } from '../kinesis/stream-registry.js';
import type { KinesisContext } from '../kinesis/kinesis-context.js';
import type { Taggable } from '../lambda/tagging.js';
import type { FunctionInvoker } from '../lambda/invoker.js';
import type { AppContext, Component } from '../server/context.js';
import { ConfigError } from '../server/config-error.js';
import { compileMappingsOptions, type MappingsOptions } from './options.js';
import { systemClock, type Clock } from '../server/clock.js';
import { AwsError } from '../server/errors.js';
import { TransitionScheduler } from '../server/transitions.js';
import type { Service } from '../server/http-types.js';
import type { RestRoutes } from '../server/protocols/rest-json.js';
import { parseEventSourceArn } from './actions/resolve-event-source.js';
import { Checkpoints } from './engine/checkpoints.js';
import { compileMapping } from './engine/compiled-mapping.js';
import { drainTarget, recordsBefore } from './engine/drain.js';
import type { EngineDeps } from './engine/engine-deps.js';
import type { MappingEvents } from './engine/events.js';
import { FailureSink, type DestinationSender } from './engine/failure-sink.js';
import { MappingRunner, type ShardLag } from './engine/mapping-runner.js';
import { RegistryStreamView } from './engine/registry-stream-view.js';
import { compileFilterCriteria } from './filter/index.js';
import { mappingRoutes } from './mapping-routes.js';
import type { MappingsContext } from './mappings-context.js';
import { LAST_PROCESSING_RESULT, type MappingMeta } from './model.js';

export type { MappingsOptions } from './options.js';

const NS = 'mapping';

export interface MappingsDeps {
  streams: StreamRegistry;
  /** For reading through enhanced fan-out consumers. */
  kinesis: KinesisContext;
  invoker: FunctionInvoker;
  /** Where on-failure destinations are delivered; without it a mapping cannot name one. */
  destinations?: DestinationSender;
  options?: MappingsOptions;
  /** What function execution roles allow (IAM). @default every role may do everything */
  roles?: ExecutionRoles;
  /** Test-only: the engine's clock (a virtual one). @default the system clock */
  clock?: Clock;
  /** Test-only: MaximumRecordAgeInSeconds is applied as if it were this many times smaller (>= 1). @default 1 */
  recordAgeScale?: number;
}

/** The event source mapping component: the Lambda REST API for mappings and the engine that runs them. */
export class Mappings extends EventEmitter<MappingEvents> implements Component {
  readonly name = 'mappings';
  /** Its API is part of Lambda's REST API: see `lambdaRoutes`. */
  readonly services: Service[] = [];
  /** Its part of the Lambda REST API (mapping-routes.ts), served with the function routes (`lambdaRestService`). */
  readonly lambdaRoutes: RestRoutes;
  /** Mappings as Lambda's tag operations reach them (by EventSourceMappingArn), added to Lambda in the wiring. */
  readonly taggable: Taggable = {
    owns: (arn) => /:event-source-mapping:/.test(arn),
    tagsOf: (arn) => this.#byArn(arn).Tags ?? {},
    setTags: async (arn, tags) => {
      // In place: transitions and updates hold this object and save it whole.
      const m = this.#byArn(arn);
      if (Object.keys(tags).length === 0) delete m.Tags;
      else m.Tags = tags;
      await this.#save(m);
    },
  };
  readonly #ctx: AppContext;
  readonly #deps: MappingsDeps;
  readonly #opts: Required<MappingsOptions>;
  readonly #recordAgeScale: number;
  readonly #clock: Clock;
  readonly #mappings = new Map<string, MappingMeta>();
  readonly #runners = new Map<string, MappingRunner>();
  /** Ends Creating/Enabling/Updating/Disabling/Deleting after the transition delay; closed with the component. */
  readonly #transitions: TransitionScheduler;
  readonly #detach: Array<() => void> = [];
  /** Per mapping, the tail of its queue of runner changes (see #serially). */
  readonly #lifecycle = new Map<string, Promise<void>>();
  readonly #api: MappingsContext;
  #closed = false;

  constructor(ctx: AppContext, deps: MappingsDeps) {
    super();
    this.setMaxListeners(0);
    this.#ctx = ctx;
    this.#deps = deps;
    this.#opts = compileMappingsOptions(deps.options);
    this.#clock = deps.clock ?? systemClock;
    this.#recordAgeScale = deps.recordAgeScale ?? 1;
    if (!(this.#recordAgeScale >= 1)) throw new ConfigError('testHooks.recordAgeScale', 'must be >= 1');
    this.#transitions = new TransitionScheduler({
      clock: this.#clock,
      delayMs: () => ctx.options.transitionDelayMs,
      // Each completion reports its own failure as a bug of its mapping (#transition); nothing else reaches here.
      onError: (err) => ctx.log.error({ err }, 'mapping transition failed'),
    });
    for (const { doc } of ctx.store.listDocs<MappingMeta>(NS)) this.#mappings.set(doc.UUID, doc);
    this.#api = {
      app: ctx,
      streams: deps.streams,
      invoker: deps.invoker,
      destinations: deps.destinations,
      roles: deps.roles ?? OPEN_ROLES,
      events: this,
      all: () => [...this.#mappings.values()],
      get: (uuid) => this.get(uuid),
      save: (m) => this.#save(m),
      transition: (m, via) => this.#transition(m, via),
      remove: (uuid) => this.#remove(uuid),
      drained: (uuid, signal) => this.drained(uuid, signal),
      view: (name) => new RegistryStreamView(deps.kinesis, deps.streams.get(name)),
    };
    this.lambdaRoutes = mappingRoutes(this.#api);
  }

  async start(): Promise<void> {
    const s = this.#deps.kinesis.events;
    const onAppend = (e: { stream: string; shardId: string }): void => {
      for (const r of this.#runners.values()) if (r.streamName === e.stream) r.onAppend(e.shardId);
    };
    const onChange = (e: { stream: string }): void => this.#streamChanged(e.stream);
    s.on('append', onAppend);
    // reshard: parents close, children open. status: CREATING (a new generation: the mapping moves to it),
    // DELETING (readers end), ACTIVE after UPDATING. deleted: the stream is gone.
    for (const name of ['reshard', 'status', 'deleted'] as const) s.on(name, onChange);
    this.#detach.push(() => {
      s.off('append', onAppend);
      for (const name of ['reshard', 'status', 'deleted'] as const) s.off(name, onChange);
    });
    // One timer samples lag and runs the watchdog of every running mapping.
    const stopTicks = this.#clock.every(this.#opts.lagIntervalMs, () => {
      for (const r of this.#runners.values()) r.tick();
    });
    this.#detach.push(stopTicks);
    this.#detach.push(this.#api.roles.onChange(() => this.#rolesChanged()));
    for (const m of this.#mappings.values()) {
      if (m.State === 'Enabled') await this.#serially(m.UUID, () => this.#startRunner(m));
      else if (m.State !== 'Disabled') await this.#transition(m, m.State);
    }
  }

  /**
   * A stream's shards or lifecycle changed: its runners wake their readers and start children; an enabled
   * mapping whose stream was created again (a new generation) moves to the new stream.
   */
  #streamChanged(stream: string): void {
    const gen = this.#deps.streams.find(stream)?.createdAt;
    for (const m of this.#mappings.values()) {
      if (m.State !== 'Enabled' || parseEventSourceArn(m.EventSourceArn)?.streamName !== stream) continue;
      const r = this.#runners.get(m.UUID);
      if (r && r.generation === gen) r.onStreamChange();
      else if (gen !== undefined) {
        // A stream of that name exists again: a new stream, read from the mapping's StartingPosition.
        if (r) this.#setResult(m.UUID, LAST_PROCESSING_RESULT.none);
        this.#restartRunner(m);
      } else r?.onStreamChange();
    }
  }

  /**
   * IAM changed: an enabled mapping whose role lost a permission it needs stops (LastProcessingResult and
   * StateTransitionReason say which), one waiting for a permission it now has starts again from its checkpoint.
   */
  #rolesChanged(): void {
    for (const m of this.#mappings.values()) {
      if (m.State !== 'Enabled') continue;
      const fn = this.#deps.invoker.lookup(m.FunctionArn);
      const blocked = fn !== undefined && roleProblem(this.#api.roles, fn.role, m) !== undefined;
      const running = this.#runners.has(m.UUID);
      if (blocked === running)
        void this.#serially(m.UUID, async () => {
          await this.#stopRunner(m.UUID);
          if (!this.#closed && m.State === 'Enabled' && this.#mappings.get(m.UUID) === m)
            await this.#startRunner(m);
        }).catch((err: unknown) => this.#bug(err, { uuid: m.UUID, what: 'mapping restart failed' }));
    }
  }

  /** Moves an enabled mapping to the stream's current generation (queued behind its other runner changes). */
  #restartRunner(m: MappingMeta): void {
    void this.#serially(m.UUID, async () => {
      // Looked at again when its turn comes: a transition queued before may have done it already.
      const gen = this.#deps.streams.find(parseEventSourceArn(m.EventSourceArn)?.streamName ?? '')?.createdAt;
      if (this.#runners.get(m.UUID)?.generation === gen) return;
      await this.#stopRunner(m.UUID);
      if (!this.#closed && m.State === 'Enabled' && this.#mappings.get(m.UUID) === m)
        await this.#startRunner(m);
    }).catch((err: unknown) => this.#bug(err, { uuid: m.UUID, what: 'mapping restart failed' }));
  }

  /**
   * Runs the changes of one mapping's runner (start, stop, restart, the end of a transition) one after another: a
   * stream event arriving while a transition stops the old runner must not start a second one beside the new.
   */
  #serially(uuid: string, change: () => Promise<void>): Promise<void> {
    const run = (this.#lifecycle.get(uuid) ?? Promise.resolve()).then(change);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#lifecycle.set(uuid, settled);
    void settled.then(() => {
      if (this.#lifecycle.get(uuid) === settled) this.#lifecycle.delete(uuid);
    });
    return run;
  }

  /** How far each enabled mapping is behind, per shard (records behind, IteratorAge). */
  lag(uuid: string): ShardLag[] {
    return this.#runners.get(uuid)?.lag() ?? [];
  }

  /**
   * Waits until the mapping has processed every record written to its stream before the call (drain.ts): what
   * `tributary wait` and GET /_tributary/mappings/UUID/drained answer. Re-checked on the engine's own events
   * (a checkpoint, a state change, a shard starting or finishing, a lag sample), never on a timer of its own.
   * Resolves with `drained: false` and what is left when `signal` aborts first (the caller's timeout).
   */
  async drained(uuid: string, signal: AbortSignal): Promise<{ drained: boolean; recordsBehind: number }> {
    const m = this.get(uuid);
    const meta = this.#deps.streams.find(parseEventSourceArn(m.EventSourceArn)?.streamName ?? '');
    // No stream: nothing was written that this mapping could process.
    if (!meta) return { drained: true, recordsBehind: 0 };
    const target = drainTarget(new RegistryStreamView(this.#deps.kinesis, meta));
    const behind = (): number => {
      const r = this.#runners.get(uuid);
      return recordsBefore(
        target,
        r && r.generation === target.generation ? (shardId) => r.checkpoint(shardId) : undefined,
      );
    };
    if (behind() === 0) return { drained: true, recordsBehind: 0 };
    return new Promise((resolve) => {
      const names = ['checkpoint', 'state', 'shard', 'lag'] as const;
      const check = (e: { uuid: string }): void => {
        if (e.uuid === uuid && behind() === 0) done(true);
      };
      const done = (drained: boolean): void => {
        for (const n of names) this.off(n, check);
        signal.removeEventListener('abort', onAbort);
        resolve({ drained, recordsBehind: drained ? 0 : behind() });
      };
      const onAbort = (): void => done(false);
      for (const n of names) this.on(n, check);
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) done(false);
    });
  }

  /** A bug in the engine: logged once with the mapping (and shard), counted by the `bug` event. */
  #bug(err: unknown, where: { uuid: string; shardId?: string; what: string }): void {
    this.#ctx.log.error(
      { err, uuid: where.uuid, shardId: where.shardId },
      `mapping engine bug: ${where.what}`,
    );
    this.emit('bug', where);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#transitions.close();
    for (const d of this.#detach.splice(0)) d();
    await Promise.all([...this.#lifecycle.values()]);
    await Promise.all([...this.#runners.values()].map((r) => r.stop()));
    this.#runners.clear();
  }

  list(): MappingMeta[] {
    return [...this.#mappings.values()];
  }

  /** The mapping, or undefined (no error) when it does not exist. */
  find(uuid: string): MappingMeta | undefined {
    return this.#mappings.get(uuid);
  }

  get(uuid: string): MappingMeta {
    const m = this.#mappings.get(uuid);
    if (!m)
      throw new AwsError(
        'ResourceNotFoundException',
        `The resource you requested does not exist. (Service: Lambda, Status Code: 404, Request ID: ${uuid})`,
        404,
      );
    return m;
  }

  #byArn(arn: string): MappingMeta {
    for (const m of this.#mappings.values()) if (m.EventSourceMappingArn === arn) return m;
    throw new AwsError('ResourceNotFoundException', `Event source mapping not found: ${arn}`, 404);
  }

  async #save(m: MappingMeta): Promise<void> {
    this.#mappings.set(m.UUID, m);
    await this.#ctx.store.putDoc(NS, m.UUID, m);
  }

  async #remove(uuid: string): Promise<void> {
    this.#mappings.delete(uuid);
    await Checkpoints.clear(this.#ctx.store, uuid);
    await this.#ctx.store.deleteDoc(NS, uuid);
  }

  /** Ends a transitional state after the configured delay; starts or stops the runner accordingly. */
  async #transition(m: MappingMeta, via: MappingMeta['State']): Promise<void> {
    this.emit('state', { uuid: m.UUID, state: via });
    const finish = async (): Promise<void> => {
      if (this.#closed || this.#mappings.get(m.UUID) !== m) return;
      // Stop the runner first so a changed configuration (or Disabled/Deleting) takes effect from a durable checkpoint.
      await this.#stopRunner(m.UUID);
      if (via === 'Deleting') {
        await this.#remove(m.UUID);
        this.emit('state', { uuid: m.UUID, state: 'Deleting' });
        return;
      }
      m.State = m.enabled ? 'Enabled' : 'Disabled';
      await this.#save(m);
      if (m.State === 'Enabled') await this.#startRunner(m);
      this.emit('state', { uuid: m.UUID, state: m.State });
    };
    // On the engine's clock (virtual in tests); at delay 0 right after the caller's answer is built.
    this.#transitions.schedule(() =>
      this.#serially(m.UUID, finish).catch((err: unknown) =>
        this.#bug(err, { uuid: m.UUID, what: 'mapping transition failed' }),
      ),
    );
  }

  async #startRunner(m: MappingMeta): Promise<void> {
    // One runner per mapping (callers run in #serially, so nothing starts another meanwhile).
    await this.#stopRunner(m.UUID);
    const source = parseEventSourceArn(m.EventSourceArn);
    const meta = source ? this.#deps.streams.find(source.streamName) : undefined;
    if (!source || !meta || meta.status === 'DELETING' || meta.arn !== source.streamArn) {
      // The mapping is kept; it starts on a stream of that name once one exists (#streamChanged).
      this.#setResult(m.UUID, 'PROBLEM: Stream not found');
      return;
    }
    const fn = this.#deps.invoker.lookup(m.FunctionArn);
    // A role that lost what the mapping needs stops it, checkpoint kept, until IAM grants it again (#rolesChanged).
    const problem = fn ? roleProblem(this.#api.roles, fn.role, m) : undefined;
    if (problem) {
      this.#setResult(m.UUID, problem.result, problem.result);
      return;
    }
    if (m.StateTransitionReason.startsWith('PROBLEM: '))
      this.#setResult(m.UUID, LAST_PROCESSING_RESULT.none, 'User action');
    const filter = m.FilterCriteria ? compileFilterCriteria(m.FilterCriteria) : undefined;
    const compiled = compileMapping(
      m,
      source.streamName,
      source.streamArn,
      filter,
      this.#recordAgeScale,
      source.consumerArn,
    );
    const o = this.#opts;
    const sender = this.#deps.destinations;
    const deps: EngineDeps = {
      invoker: this.#deps.invoker,
      sink: sender
        ? new FailureSink(sender, this.#clock, { baseMs: o.retryBaseMs, maxMs: o.retryMaxMs })
        : undefined,
      clock: this.#clock,
      region: this.#ctx.options.region,
      events: this,
      retryBaseMs: o.retryBaseMs,
      retryMaxMs: o.retryMaxMs,
      setResult: (uuid, result) => this.#setResult(uuid, result),
      bugs: { bug: (err, where) => this.#bug(err, where) },
    };
    const runner = new MappingRunner(
      compiled,
      deps,
      new RegistryStreamView(this.#deps.kinesis, meta),
      this.#ctx.store,
      {
        startingPosition: m.StartingPosition,
        startingTimestampMs:
          m.StartingPositionTimestamp === undefined ? undefined : m.StartingPositionTimestamp * 1000,
        role: fn?.role ?? '',
        checkpointDelayMs: o.checkpointDelayMs,
        stallMs: o.stallMs,
      },
    );
    this.#runners.set(m.UUID, runner);
    await runner.start();
  }

  async #stopRunner(uuid: string): Promise<void> {
    const r = this.#runners.get(uuid);
    if (!r) return;
    this.#runners.delete(uuid);
    await r.stop();
  }

  #setResult(uuid: string, result: string, reason?: string): void {
    const m = this.#mappings.get(uuid);
    if (
      !m ||
      (m.LastProcessingResult === result && (reason === undefined || m.StateTransitionReason === reason))
    )
      return;
    m.LastProcessingResult = result;
    if (reason !== undefined) m.StateTransitionReason = reason;
    this.#ctx.store
      .putDoc(NS, uuid, m)
      .catch((err: unknown) => this.#bug(err, { uuid, what: 'saving LastProcessingResult failed' }));
  }
}
