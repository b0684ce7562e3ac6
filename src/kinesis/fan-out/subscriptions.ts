import { EventEmitter } from 'node:events';
import { streamNotFound } from '../not-found.js';
import { ResourceInUse, ResourceNotFound } from '../../server/errors.js';
import type { KinesisContext } from '../kinesis-context.js';
import type { Consumers } from './consumers.js';
import { notActive } from './consumers.js';
import type { CompiledFanOutOptions } from './options.js';
import { resolveStartingPosition, type StartingPosition } from './starting-position.js';
import { Subscription } from './subscription.js';

export interface SubscribeRequest {
  consumerArn: string;
  shardId: string;
  startingPosition: StartingPosition;
}

export interface SubscriptionsEvents {
  subscribed: [Subscription];
  ended: [Subscription];
}

/**
 * Every live subscription, keyed by consumer + shard. Enforces AWS's rule for a second
 * SubscribeToShard on the same key (ResourceInUseException within 5 s of the previous successful call,
 * afterwards the new call takes over) and fans the Kinesis events out to the subscriptions they concern.
 */
export class Subscriptions extends EventEmitter<SubscriptionsEvents> {
  readonly #k: KinesisContext;
  readonly #consumers: Consumers;
  readonly #opts: () => CompiledFanOutOptions;
  readonly #active = new Map<string, Subscription>();
  /** Time of the last successful subscribe per key, for the takeover rule. */
  readonly #lastCall = new Map<string, number>();
  /** Active subscriptions per `stream\nshardId`, for waking on appends. */
  readonly #byShard = new Map<string, Set<Subscription>>();
  readonly #detach: Array<() => void> = [];

  constructor(k: KinesisContext, consumers: Consumers, opts: () => CompiledFanOutOptions) {
    super();
    this.setMaxListeners(0);
    this.#k = k;
    this.#consumers = consumers;
    this.#opts = opts;
    const onAppend = (e: { stream: string; shardId: string }): void => {
      const set = this.#byShard.get(`${e.stream}\n${e.shardId}`);
      if (set) for (const s of set) s.notify();
    };
    const onReshard = (e: { stream: string }): void => {
      for (const s of this.#active.values()) if (s.streamName === e.stream) s.notify();
    };
    const onStatus = (e: { stream: string; status: string }): void => {
      if (e.status === 'DELETING') this.#endStream(e.stream);
    };
    const onDeleted = (e: { stream: string }): void => this.#endStream(e.stream);
    const onConsumer = (e: { consumerArn: string; status: string }): void => {
      if (e.status !== 'DELETING' && e.status !== 'DELETED') return;
      for (const s of [...this.#active.values()]) {
        if (s.consumerArn === e.consumerArn)
          s.end('consumer-deleted', ResourceNotFound(`Consumer ${e.consumerArn} not found.`));
      }
    };
    k.events.on('append', onAppend);
    k.events.on('reshard', onReshard);
    k.events.on('status', onStatus);
    k.events.on('deleted', onDeleted);
    consumers.on('status', onConsumer);
    this.#detach.push(
      () => k.events.off('append', onAppend),
      () => k.events.off('reshard', onReshard),
      () => k.events.off('status', onStatus),
      () => k.events.off('deleted', onDeleted),
      () => consumers.off('status', onConsumer),
    );
  }

  #endStream(stream: string): void {
    for (const s of [...this.#active.values()]) {
      if (s.streamName === stream) {
        s.end('stream-deleted', streamNotFound(this.#k.streams.account, stream));
      }
    }
  }

  /**
   * Opens a subscription, or throws the AwsError SubscribeToShard would answer with. Synchronous: every
   * check is against in-memory state, so the HTTP action can still answer with a plain error response.
   */
  open(req: SubscribeRequest): Subscription {
    const { stream, consumer } = this.#consumers.byArn(req.consumerArn);
    if (consumer.status !== 'ACTIVE') throw notActive(this.#k, stream, consumer);
    const s = this.#k.streams.stream(stream);
    if (s.meta.status === 'DELETING') throw streamNotFound(this.#k.streams.account, stream);
    const shard = s.shard(req.shardId);
    const position = resolveStartingPosition(this.#k, s, shard, req.startingPosition);
    const key = `${req.consumerArn}\n${req.shardId}`;
    const opts = this.#opts();
    const now = Date.now();
    const last = this.#lastCall.get(key);
    if (last !== undefined && now - last < opts.takeoverAfterMs) {
      throw ResourceInUse(`Another active subscription exists for this consumer: ${req.consumerArn}`);
    }
    this.#active.get(key)?.end('taken-over');
    this.#sweep(now, opts.takeoverAfterMs);
    const sub = new Subscription(this.#k, {
      consumerArn: req.consumerArn,
      stream: s,
      shard,
      position,
      options: opts,
    });
    this.#active.set(key, sub);
    this.#lastCall.set(key, now);
    const shardKey = `${stream}\n${req.shardId}`;
    let set = this.#byShard.get(shardKey);
    if (!set) this.#byShard.set(shardKey, (set = new Set()));
    set.add(sub);
    sub.once('end', () => {
      if (this.#active.get(key) === sub) this.#active.delete(key);
      const s = this.#byShard.get(shardKey);
      s?.delete(sub);
      if (s?.size === 0) this.#byShard.delete(shardKey);
      this.emit('ended', sub);
    });
    this.emit('subscribed', sub);
    return sub;
  }

  /** Forgets call times that can no longer block anyone (keeps the map from growing). */
  #sweep(now: number, window: number): void {
    if (this.#lastCall.size < 1024) return;
    for (const [key, t] of this.#lastCall) if (now - t >= window) this.#lastCall.delete(key);
  }

  /** Live subscriptions (monitoring and tests). */
  list(): Subscription[] {
    return [...this.#active.values()];
  }

  close(): void {
    for (const d of this.#detach) d();
    for (const s of [...this.#active.values()]) s.end('server-closing');
  }
}
