import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../server/context.js';
import { queueDoesNotExist, sqsError } from './errors.js';
import type { QueueMeta, StoredMessage } from './model.js';
import { effective } from './queue-attributes.js';
import { nameFromArn, nameFromUrl, queueArn } from './queue-names.js';
import { Queue } from './queue.js';

const NS = 'sqs.queue';
/** Expired messages (MessageRetentionPeriod) are also deleted when nobody receives them. */
const SWEEP_INTERVAL_MS = 60_000;

/** Events tests and other components can await. */
export interface SqsEvents {
  created: [{ name: string; arn: string }];
  deleted: [{ name: string; arn: string }];
  /** Messages are durable in a queue (and receivable unless delayed). */
  sent: [{ name: string; arn: string; messageIds: string[] }];
}

/** Every queue of the account, loaded from the store at startup and written through on change. */
export class QueueRegistry extends EventEmitter<SqsEvents> {
  readonly #ctx: AppContext;
  readonly #queues = new Map<string, Queue>();
  #sweep: NodeJS.Timeout | undefined;

  constructor(ctx: AppContext) {
    super();
    this.setMaxListeners(0);
    this.#ctx = ctx;
    for (const { doc } of ctx.store.listDocs<QueueMeta>(NS)) {
      const q = this.#make(doc);
      q.load();
      this.#queues.set(doc.name, q);
    }
  }

  start(): void {
    this.#sweep = setInterval(() => {
      for (const q of this.#queues.values()) q.sweepExpired();
    }, SWEEP_INTERVAL_MS);
    this.#sweep.unref();
  }

  close(): void {
    if (this.#sweep) clearInterval(this.#sweep);
    for (const q of this.#queues.values()) q.close();
  }

  byName(name: string): Queue | undefined {
    return this.#queues.get(name);
  }

  byArn(arn: string): Queue | undefined {
    const name = nameFromArn(this.#ctx, arn);
    return name === undefined ? undefined : this.#queues.get(name);
  }

  /** The queue a QueueUrl names; QueueDoesNotExist when there is none. */
  byUrl(url: string): Queue {
    const name = nameFromUrl(this.#ctx, url);
    const q = name === undefined ? undefined : this.#queues.get(name);
    if (!q) throw queueDoesNotExist();
    return q;
  }

  /** Queues sorted by name, optionally those starting with `prefix`. */
  list(prefix = ''): Queue[] {
    return [...this.#queues.values()]
      .filter((q) => q.name.startsWith(prefix))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /**
   * Creates a queue, or returns the existing one when its attributes are the same (CreateQueue is
   * idempotent); QueueNameExists when they differ.
   */
  async create(
    name: string,
    attributes: Record<string, string>,
    tags: Record<string, string>,
  ): Promise<Queue> {
    const existing = this.#queues.get(name);
    if (existing) {
      for (const [k, v] of Object.entries(attributes)) {
        if (effective(existing.meta.attributes, k) !== v) {
          throw sqsError(
            'QueueNameExists',
            `A queue already exists with the same name and a different value for attribute ${k}`,
          );
        }
      }
      return existing;
    }
    const now = Date.now();
    const meta: QueueMeta = {
      name,
      incarnation: randomUUID(),
      createdAt: now,
      lastModifiedAt: now,
      attributes,
      tags,
    };
    const q = this.#make(meta);
    // Registered before the write so a concurrent CreateQueue of the same name sees it.
    this.#queues.set(name, q);
    try {
      await this.#ctx.store.putDoc(NS, name, meta);
    } catch (err) {
      this.#queues.delete(name);
      throw err;
    }
    this.emit('created', { name, arn: q.arn });
    return q;
  }

  async delete(q: Queue): Promise<void> {
    if (this.#queues.get(q.name) !== q) return;
    this.#queues.delete(q.name);
    await this.#ctx.store.deleteDoc(NS, q.name);
    await q.drop();
    this.emit('deleted', { name: q.name, arn: q.arn });
  }

  /** Persists changed metadata (attributes, tags). */
  async update(q: Queue, change: (meta: QueueMeta) => QueueMeta): Promise<void> {
    const next = change(structuredClone(q.meta));
    await this.#ctx.store.putDoc(NS, q.name, next);
    q.meta = next;
  }

  /** Appends messages durably and announces them. */
  async send(q: Queue, messages: StoredMessage[]): Promise<void> {
    if (q.lifecycle !== 'active') throw queueDoesNotExist();
    await q.append(messages);
    this.emit('sent', { name: q.name, arn: q.arn, messageIds: messages.map((m) => m.id) });
  }

  #make(meta: QueueMeta): Queue {
    return new Queue(this.#ctx.store, this.#ctx.log, meta, queueArn(this.#ctx, meta.name), (arn) =>
      this.byArn(arn),
    );
  }
}
