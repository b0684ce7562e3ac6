import { EventEmitter } from 'node:events';
import type { StreamRegistry } from '../kinesis/stream-registry.js';
import type { KinesisContext } from '../kinesis/kinesis-context.js';
import type { FunctionInvoker } from '../lambda/invoker.js';
import type { AppContext, Component } from '../server/context.js';
import { AwsError } from '../server/errors.js';
import type { ApiRequest, ApiResponse, Service } from '../server/http-types.js';
import { serializeError, toAwsError } from '../server/serialize-error.js';
import { parseRestJsonBody } from '../lambda/rest-json-body.js';
import { createEventSourceMapping } from './actions/create-event-source-mapping.js';
import { deleteEventSourceMapping } from './actions/delete-event-source-mapping.js';
import { getEventSourceMapping } from './actions/get-event-source-mapping.js';
import { listEventSourceMappings } from './actions/list-event-source-mappings.js';
import { resolveEventSource } from './actions/resolve-event-source.js';
import { updateEventSourceMapping } from './actions/update-event-source-mapping.js';
import { Checkpoints } from './engine/checkpoints.js';
import { compileMapping } from './engine/compiled-mapping.js';
import type { MappingEvents } from './engine/events.js';
import { MappingRunner } from './engine/mapping-runner.js';
import type { DestinationSender, EngineDeps } from './engine/shard-processor.js';
import { compileFilterCriteria } from './filter/index.js';
import type { MappingsContext } from './mappings-context.js';
import type { MappingMeta } from './model.js';

const NS = 'mapping';
const PREFIX = '/2015-03-31/event-source-mappings';

/** Options of the mapping engine. */
export interface MappingsOptions {
  /** First retry delay after a failed or throttled invoke; doubles per retry. @default 100 */
  retryBaseMs?: number;
  /** Longest retry delay. @default 10000 */
  retryMaxMs?: number;
  /**
   * How long a checkpoint waits to be written together with the mapping's others (one transaction and one
   * fsync for all its shards); after a crash at most this much processing is delivered again. @default 10
   */
  checkpointDelayMs?: number;
}

export function compileMappingsOptions(o: MappingsOptions = {}): Required<MappingsOptions> {
  const c = {
    retryBaseMs: o.retryBaseMs ?? 100,
    retryMaxMs: o.retryMaxMs ?? 10_000,
    checkpointDelayMs: o.checkpointDelayMs ?? 10,
  };
  if (!(c.retryBaseMs >= 0))
    throw new AwsError('InvalidConfiguration', 'Invalid option retryBaseMs: must be >= 0');
  if (!(c.retryMaxMs >= c.retryBaseMs))
    throw new AwsError('InvalidConfiguration', 'Invalid option retryMaxMs: must be >= retryBaseMs');
  if (!(c.checkpointDelayMs >= 0))
    throw new AwsError('InvalidConfiguration', 'Invalid option checkpointDelayMs: must be >= 0');
  return c;
}

export interface MappingsDeps {
  streams: StreamRegistry;
  /** For reading through enhanced fan-out consumers. */
  kinesis: KinesisContext;
  /** Resolved lazily: Lambda is built beside the mappings. */
  invoker: () => FunctionInvoker;
  destinations: () => DestinationSender | undefined;
  options?: MappingsOptions;
}

/** The event source mapping component: the Lambda REST API for mappings and the engine that runs them. */
export class Mappings extends EventEmitter<MappingEvents> implements Component {
  readonly name = 'mappings';
  readonly services: Service[];
  readonly #ctx: AppContext;
  readonly #deps: MappingsDeps;
  readonly #opts: Required<MappingsOptions>;
  readonly #mappings = new Map<string, MappingMeta>();
  readonly #runners = new Map<string, MappingRunner>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #api: MappingsContext;
  #closed = false;

  constructor(ctx: AppContext, deps: MappingsDeps) {
    super();
    this.setMaxListeners(0);
    this.#ctx = ctx;
    this.#deps = deps;
    this.#opts = compileMappingsOptions(deps.options);
    for (const { doc } of ctx.store.listDocs<MappingMeta>(NS)) this.#mappings.set(doc.UUID, doc);
    this.#api = {
      app: ctx,
      streams: deps.streams,
      invoker: deps.invoker,
      destinations: deps.destinations,
      events: this,
      all: () => [...this.#mappings.values()],
      get: (uuid) => this.get(uuid),
      save: (m) => this.#save(m),
      transition: (m, via) => this.#transition(m, via),
      remove: (uuid) => this.#remove(uuid),
    };
    this.services = [
      {
        name: 'lambda-event-source-mappings',
        matches: (r) => r.path.startsWith(PREFIX),
        handle: (r) => this.#handle(r),
      },
    ];
  }

  async start(): Promise<void> {
    const s = this.#deps.streams;
    s.on('append', (e) => {
      for (const r of this.#runners.values()) if (r.streamName === e.stream) r.onAppend(e.shardId);
    });
    s.on('reshard', (e) => {
      for (const r of this.#runners.values()) if (r.streamName === e.stream) r.reconcile();
    });
    for (const m of this.#mappings.values()) {
      if (m.State === 'Enabled') this.#startRunner(m);
      else if (m.State !== 'Disabled') await this.#transition(m, m.State);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
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

  async #save(m: MappingMeta): Promise<void> {
    this.#mappings.set(m.UUID, m);
    await this.#ctx.store.putDoc(NS, m.UUID, m);
  }

  async #remove(uuid: string): Promise<void> {
    this.#mappings.delete(uuid);
    const cps = new Checkpoints(this.#ctx.store, uuid);
    await cps.clear(Checkpoints.listShards(this.#ctx.store, uuid));
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
      if (m.State === 'Enabled') this.#startRunner(m);
      this.emit('state', { uuid: m.UUID, state: m.State });
    };
    const delay = this.#ctx.options.transitionDelayMs;
    const t = setTimeout(() => {
      this.#timers.delete(t);
      finish().catch((err: unknown) =>
        this.#ctx.log.error({ err, uuid: m.UUID }, 'mapping transition failed'),
      );
    }, delay);
    this.#timers.add(t);
  }

  #startRunner(m: MappingMeta): void {
    let source;
    try {
      source = resolveEventSource(this.#api, m.EventSourceArn);
    } catch {
      this.#setResult(m.UUID, 'PROBLEM: Stream not found');
      return;
    }
    const fn = this.#deps.invoker().lookup(m.FunctionArn);
    const filter = m.FilterCriteria ? compileFilterCriteria(m.FilterCriteria) : undefined;
    const compiled = compileMapping(
      m,
      source.streamName,
      source.streamArn,
      filter,
      this.#ctx.options.recordAgeScale,
      source.consumerArn,
    );
    const deps: EngineDeps = {
      streams: this.#deps.streams,
      kinesis: this.#deps.kinesis,
      invoker: this.#deps.invoker(),
      destinations: this.#deps.destinations(),
      region: this.#ctx.options.region,
      events: this,
      retryBaseMs: this.#opts.retryBaseMs,
      retryMaxMs: this.#opts.retryMaxMs,
      setResult: (uuid, result) => this.#setResult(uuid, result),
    };
    const runner = new MappingRunner(
      compiled,
      deps,
      new Checkpoints(this.#ctx.store, m.UUID, this.#opts.checkpointDelayMs),
      fn?.role ?? '',
    );
    this.#runners.set(m.UUID, runner);
    runner.start();
  }

  async #stopRunner(uuid: string): Promise<void> {
    const r = this.#runners.get(uuid);
    if (!r) return;
    this.#runners.delete(uuid);
    await r.stop();
  }

  #setResult(uuid: string, result: string): void {
    const m = this.#mappings.get(uuid);
    if (!m || m.LastProcessingResult === result) return;
    m.LastProcessingResult = result;
    void this.#ctx.store.putDoc(NS, uuid, m).catch(() => undefined);
  }

  async #handle(req: ApiRequest): Promise<ApiResponse> {
    try {
      const rest = req.path.slice(PREFIX.length).replace(/^\/+|\/+$/g, '');
      let out: { status: number; body: unknown };
      if (rest === '') {
        if (req.method === 'POST')
          out = await createEventSourceMapping(this.#api, parseRestJsonBody(req.body));
        else if (req.method === 'GET') out = await listEventSourceMappings(this.#api, req.query);
        else throw methodNotAllowed();
      } else {
        if (rest.includes('/'))
          throw new AwsError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);
        if (req.method === 'GET') out = await getEventSourceMapping(this.#api, rest);
        else if (req.method === 'PUT')
          out = await updateEventSourceMapping(this.#api, rest, parseRestJsonBody(req.body));
        else if (req.method === 'DELETE') out = await deleteEventSourceMapping(this.#api, rest);
        else throw methodNotAllowed();
      }
      return {
        status: out.status,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(out.body),
      };
    } catch (err) {
      if (!(err instanceof AwsError)) this.#ctx.log.error({ err }, 'event source mapping request failed');
      return serializeError(toAwsError(err), 'rest-json');
    }
  }
}

function methodNotAllowed(): AwsError {
  return new AwsError('UnknownOperationException', 'Unknown operation.', 404);
}
