import { EventEmitter } from 'node:events';
import { streamNotFound } from '../not-found.js';
import { systemClock, type Clock } from '../../server/clock.js';
import { InvalidArgument, LimitExceeded, ResourceInUse, ResourceNotFound } from '../../server/errors.js';
import { TransitionScheduler } from '../../server/transitions.js';
import type { KinesisContext } from '../kinesis-context.js';
import type { ConsumerMeta, StreamMeta } from '../model.js';
import { formatConsumerArn, parseConsumerArn } from './consumer-arn.js';
import type { CompiledFanOutOptions } from './options.js';

export type ConsumerStatus = ConsumerMeta['status'];

export interface ConsumersEvents {
  /** A consumer changed status; `DELETED` once it is gone (deregistered or its stream deleted). */
  status: [{ stream: string; consumerArn: string; status: ConsumerStatus | 'DELETED' }];
}

/** A consumer together with the stream it belongs to. */
export interface ConsumerRef {
  stream: string;
  consumer: ConsumerMeta;
}

/**
 * DeleteStream's rule: a stream with registered consumers is deleted only with
 * EnforceConsumerDeletion=true. Throws ResourceInUseException otherwise.
 */
export function assertConsumersDeletable(meta: StreamMeta, enforce: boolean | undefined): void {
  if (enforce === true || meta.consumers.length === 0) return;
  throw ResourceInUse(
    `Stream ${meta.name} has ${meta.consumers.length} registered consumer${meta.consumers.length === 1 ? '' : 's'}. ` +
      'To delete the stream and its consumers, set EnforceConsumerDeletion to true.',
  );
}

export function notActive(k: KinesisContext, stream: string, c: ConsumerMeta): Error {
  return ResourceInUse(
    `Consumer ${c.consumerName} with creation timestamp ${Math.floor(c.createdAt / 1000)} under stream ${stream} and account ${k.streams.account} is not in ACTIVE status.`,
  );
}

/**
 * Registered stream consumers. They live in their stream's metadata (`StreamMeta.consumers`), so they
 * are persisted with it and vanish with it; this class adds the CREATING -> ACTIVE and DELETING -> gone
 * transitions (after the server's transitionDelayMs, on its TransitionScheduler) and the lookups.
 */
export class Consumers extends EventEmitter<ConsumersEvents> {
  readonly #k: KinesisContext;
  readonly #opts: () => CompiledFanOutOptions;
  readonly #transitions: TransitionScheduler;

  constructor(k: KinesisContext, opts: () => CompiledFanOutOptions, clock: Clock = systemClock) {
    super();
    this.setMaxListeners(0);
    this.#k = k;
    this.#opts = opts;
    this.#transitions = new TransitionScheduler({
      clock,
      delayMs: () => k.app.options.transitionDelayMs,
      onError: (err) => k.app.log.error({ err }, 'consumer transition failed'),
    });
  }

  /** Finishes transitions a restart interrupted. */
  start(): void {
    for (const meta of this.#k.streams.list()) {
      for (const c of meta.consumers) {
        const fn =
          c.status === 'CREATING' ? this.#activate : c.status === 'DELETING' ? this.#remove : undefined;
        if (fn) this.#transitions.schedule(() => fn.call(this, meta.name, c.consumerArn));
      }
    }
  }

  close(): void {
    this.#transitions.close();
  }

  async register(stream: string, consumerName: string, tags?: Record<string, string>): Promise<ConsumerMeta> {
    const streams = this.#k.streams;
    const meta = streams.get(stream);
    if (meta.status === 'CREATING' || meta.status === 'DELETING') {
      throw ResourceInUse(
        `Stream ${stream} under account ${streams.account} not ACTIVE, instead in state ${meta.status}`,
      );
    }
    const opts = this.#opts();
    if (meta.consumers.some((c) => c.consumerName === consumerName)) {
      throw ResourceInUse(
        `Consumer ${consumerName} under stream ${stream} already exists for account ${streams.account}.`,
      );
    }
    if (meta.consumers.length >= opts.maxConsumersPerStream) {
      throw LimitExceeded(
        `Stream ${stream} under account ${streams.account} already has ${meta.consumers.length} registered consumers; the limit is ${opts.maxConsumersPerStream}.`,
      );
    }
    if (meta.consumers.filter((c) => c.status === 'CREATING').length >= opts.maxCreatingConsumers) {
      throw LimitExceeded(
        `Only ${opts.maxCreatingConsumers} consumers can be in CREATING status at the same time for stream ${stream} under account ${streams.account}.`,
      );
    }
    const createdAt = Date.now();
    const consumer: ConsumerMeta = {
      consumerName,
      consumerArn: formatConsumerArn(meta.arn, consumerName, createdAt),
      status: 'CREATING',
      createdAt,
      ...(tags !== undefined ? { tags } : {}),
    };
    // The checks above and this push run in one synchronous step, so concurrent calls cannot both pass.
    await streams.update(stream, (m) => m.consumers.push(consumer));
    const snapshot = { ...consumer };
    this.emit('status', { stream, consumerArn: consumer.consumerArn, status: 'CREATING' });
    this.#transitions.schedule(() => this.#activate(stream, consumer.consumerArn));
    return snapshot;
  }

  async #activate(stream: string, consumerArn: string): Promise<void> {
    const c = this.#find(stream, consumerArn);
    if (!c || c.status !== 'CREATING') return;
    await this.#k.streams.update(stream, () => {
      c.status = 'ACTIVE';
    });
    this.emit('status', { stream, consumerArn, status: 'ACTIVE' });
  }

  async deregister(ref: ConsumerRef): Promise<void> {
    const { stream, consumer } = ref;
    if (consumer.status !== 'ACTIVE') throw notActive(this.#k, stream, consumer);
    await this.#k.streams.update(stream, () => {
      consumer.status = 'DELETING';
    });
    this.emit('status', { stream, consumerArn: consumer.consumerArn, status: 'DELETING' });
    this.#transitions.schedule(() => this.#remove(stream, consumer.consumerArn));
  }

  async #remove(stream: string, consumerArn: string): Promise<void> {
    if (!this.#find(stream, consumerArn)) return;
    await this.#k.streams.update(stream, (m) => {
      m.consumers = m.consumers.filter((c) => c.consumerArn !== consumerArn);
    });
    this.emit('status', { stream, consumerArn, status: 'DELETED' });
  }

  #find(stream: string, consumerArn: string): ConsumerMeta | undefined {
    if (!this.#k.streams.has(stream)) return undefined;
    return this.#k.streams.get(stream).consumers.find((c) => c.consumerArn === consumerArn);
  }

  /** Looks a consumer up by its ARN; ResourceNotFoundException when the stream or consumer is unknown. */
  byArn(consumerArn: string): ConsumerRef {
    const parsed = parseConsumerArn(consumerArn);
    if (!parsed) throw InvalidArgument(`Invalid ConsumerARN: ${consumerArn}`);
    const streams = this.#k.streams;
    if (!streams.has(parsed.streamName)) {
      throw streamNotFound(streams.account, parsed.streamName);
    }
    const consumer = streams.get(parsed.streamName).consumers.find((c) => c.consumerArn === consumerArn);
    if (!consumer) throw ResourceNotFound(`Consumer ${consumerArn} not found.`);
    return { stream: parsed.streamName, consumer };
  }

  /** Looks a consumer up by stream and name. */
  byName(stream: string, consumerName: string): ConsumerRef {
    const streams = this.#k.streams;
    const consumer = streams.get(stream).consumers.find((c) => c.consumerName === consumerName);
    if (!consumer) {
      throw ResourceNotFound(
        `Consumer ${consumerName} under stream ${stream} and account ${streams.account} not found.`,
      );
    }
    return { stream, consumer };
  }

  /** Consumers of a stream in registration order. */
  list(stream: string): ConsumerMeta[] {
    return [...this.#k.streams.get(stream).consumers];
  }
}
