import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { MessageState, QueueMeta, ReceiveState, StoredMessage } from './model.js';
import { effectiveInt, parseRedrivePolicy } from './queue-attributes.js';
import { encodeReceiptHandle, newNonce } from './receipt-handles.js';
import { WakeHeap, type Due } from './wake-heap.js';
import { Waiters } from './waiters.js';

/** A message as the queue holds it in memory (the log entry plus its receive state). */
export interface LiveMessage {
  seq: number;
  stored: StoredMessage;
  state: MessageState;
  /** Epoch ms at which a delayed or in-flight message becomes receivable. */
  visibleAt: number;
  recv: ReceiveState | undefined;
}

/** A message handed to a receiver. */
export interface Received {
  message: LiveMessage;
  receiptHandle: string;
}

export type QueueLifecycle = 'active' | 'deleted';

/** Reads a log to its end in chunks (memory-mapped reads are synchronous). */
const READ_CHUNK = 1000;
const seqId = (seq: number): string => String(seq).padStart(16, '0');

/**
 * One queue: its metadata, its messages (an append-only log in the store, one entry per message,
 * removed on delete) and their receive state (one document per received message). Everything is also
 * held in memory so receives are a synchronous pick: two receivers can never get the same message.
 */
export class Queue {
  meta: QueueMeta;
  readonly arn: string;
  lifecycle: QueueLifecycle = 'active';
  readonly waiters = new Waiters();
  readonly #store: Store;
  readonly #log: Logger;
  /** Every message, by position. */
  readonly #messages = new Map<number, LiveMessage>();
  /** Receivable messages, oldest first (a message made visible again goes to the back). */
  readonly #ready = new Map<number, LiveMessage>();
  #inflight = 0;
  #delayed = 0;
  #nextSeq = 1;
  readonly #heap: WakeHeap;
  /** Finds a dead-letter queue by ARN (redrive policy). */
  readonly #resolve: (arn: string) => Queue | undefined;

  constructor(
    store: Store,
    log: Logger,
    meta: QueueMeta,
    arn: string,
    resolve: (arn: string) => Queue | undefined,
  ) {
    this.#store = store;
    this.#log = log;
    this.meta = meta;
    this.arn = arn;
    this.#resolve = resolve;
    this.#heap = new WakeHeap((due) => this.#onDue(due));
  }

  get name(): string {
    return this.meta.name;
  }

  get logName(): string {
    return `sqs.msg.${this.meta.incarnation}`;
  }

  get #recvNs(): string {
    return `sqs.recv.${this.meta.incarnation}`;
  }

  /** Rebuilds the in-memory state from the store (startup). */
  load(now = Date.now()): void {
    const states = new Map<number, ReceiveState>();
    for (const { id, doc } of this.#store.listDocs<ReceiveState>(this.#recvNs)) states.set(Number(id), doc);
    let from = 0;
    for (;;) {
      const chunk = this.#store.read<StoredMessage>(this.logName, from, READ_CHUNK);
      for (const { seq, value } of chunk) {
        const recv = states.get(seq);
        this.#insert(
          { seq, stored: value, state: 'ready', visibleAt: 0, recv },
          Math.max(value.delayUntil, recv?.visibleAt ?? 0),
          now,
        );
        from = seq + 1;
      }
      if (chunk.length < READ_CHUNK) break;
    }
    this.#nextSeq = (this.#store.lastSeq(this.logName) ?? 0) + 1;
  }

  counts(): { visible: number; notVisible: number; delayed: number } {
    return { visible: this.#ready.size, notVisible: this.#inflight, delayed: this.#delayed };
  }

  get(seq: number): LiveMessage | undefined {
    return this.#messages.get(seq);
  }

  /** Durably appends messages, then makes them receivable (or delayed) and wakes long polls. */
  async append(messages: readonly StoredMessage[]): Promise<void> {
    if (messages.length === 0) return;
    // Positions are taken and the append issued in the same turn, so log order is position order.
    const entries = messages.map((value) => ({ seq: this.#nextSeq++, value }));
    await this.#store.append(this.logName, entries);
    if (this.lifecycle === 'deleted') return;
    const now = Date.now();
    for (const e of entries) {
      const recv: ReceiveState | undefined =
        e.value.initialReceiveCount !== undefined
          ? {
              receiveCount: e.value.initialReceiveCount,
              firstReceiveAt: e.value.firstReceiveAt ?? now,
              visibleAt: 0,
              nonce: '',
            }
          : undefined;
      this.#insert(
        { seq: e.seq, stored: e.value, state: 'ready', visibleAt: 0, recv },
        e.value.delayUntil,
        now,
      );
    }
    if (this.#ready.size > 0) this.waiters.notify();
  }

  /**
   * Picks up to `max` receivable messages and makes them in flight for `visibilityMs`. Synchronous, so
   * concurrent receivers never share a message. Call `persistReceives` before handing them out.
   */
  take(max: number, visibilityMs: number, now = Date.now()): Received[] {
    // Messages whose invisibility ended are receivable now, even if the heap's timer has not fired yet.
    this.#heap.runDue(now);
    const out: Received[] = [];
    const retentionMs = effectiveInt(this.meta.attributes, 'MessageRetentionPeriod') * 1000;
    const redrive = parseRedrivePolicy(this.meta.attributes.RedrivePolicy);
    for (const m of this.#ready.values()) {
      if (out.length >= max) break;
      if (m.stored.sentAt + retentionMs <= now) {
        this.#expire(m);
        continue;
      }
      if (
        redrive &&
        (m.recv?.receiveCount ?? 0) >= redrive.maxReceiveCount &&
        this.#redrive(m, redrive.deadLetterTargetArn)
      ) {
        continue;
      }
      this.#ready.delete(m.seq);
      const nonce = newNonce();
      m.recv = {
        receiveCount: (m.recv?.receiveCount ?? 0) + 1,
        firstReceiveAt: m.recv && m.recv.receiveCount > 0 ? m.recv.firstReceiveAt : now,
        visibleAt: now + visibilityMs,
        nonce,
      };
      this.#makeInvisible(m, 'inflight', now + visibilityMs);
      out.push({
        message: m,
        receiptHandle: encodeReceiptHandle({ incarnation: this.meta.incarnation, seq: m.seq, nonce }),
      });
    }
    return out;
  }

  /** Makes receive counts and visibility durable (a restart keeps in-flight messages hidden). */
  async persistReceives(received: readonly Received[]): Promise<void> {
    await Promise.all(
      received.map((r) => this.#store.putDoc(this.#recvNs, seqId(r.message.seq), r.message.recv)),
    );
  }

  /** Deletes a message; false when it was already gone. */
  async remove(seq: number): Promise<boolean> {
    const m = this.#messages.get(seq);
    if (!m) return false;
    this.#forget(m);
    await this.#store.remove(this.logName, seq);
    if (m.recv) await this.#store.deleteDoc(this.#recvNs, seqId(seq));
    return true;
  }

  /** Sets an in-flight message's remaining visibility timeout (0 makes it receivable now). */
  async changeVisibility(m: LiveMessage, visibilityMs: number, now = Date.now()): Promise<void> {
    const recv = m.recv!;
    recv.visibleAt = now + visibilityMs;
    if (visibilityMs === 0) {
      this.#inflight--;
      m.state = 'ready';
      m.visibleAt = 0;
      this.#ready.set(m.seq, m);
      this.waiters.notify();
    } else {
      m.visibleAt = recv.visibleAt;
      this.#heap.push({ at: recv.visibleAt, seq: m.seq });
    }
    await this.#store.putDoc(this.#recvNs, seqId(m.seq), recv);
  }

  /** Deletes every message sent before the call (PurgeQueue). */
  async purge(): Promise<number> {
    const gone = [...this.#messages.values()];
    if (gone.length === 0) return 0;
    // Up to the newest message we hold: a send whose append is still being committed has a higher
    // position (appends commit in order) and must survive, as it was not in the queue when purged.
    const upTo = gone.reduce((max, m) => Math.max(max, m.seq), 0) + 1;
    for (const m of gone) this.#forget(m);
    await this.#store.trim(this.logName, upTo);
    await Promise.all(
      gone.filter((m) => m.recv).map((m) => this.#store.deleteDoc(this.#recvNs, seqId(m.seq))),
    );
    return gone.length;
  }

  /** Queue deleted: drops its messages and receive state, releases long polls. */
  async drop(): Promise<void> {
    this.lifecycle = 'deleted';
    this.#heap.close();
    this.waiters.notify();
    const gone = [...this.#messages.values()];
    this.#messages.clear();
    this.#ready.clear();
    await this.#store.dropLog(this.logName);
    await Promise.all(
      gone.filter((m) => m.recv).map((m) => this.#store.deleteDoc(this.#recvNs, seqId(m.seq))),
    );
  }

  /** Deletes messages older than the retention period (called periodically). */
  sweepExpired(now = Date.now()): void {
    const retentionMs = effectiveInt(this.meta.attributes, 'MessageRetentionPeriod') * 1000;
    for (const m of [...this.#messages.values()]) if (m.stored.sentAt + retentionMs <= now) this.#expire(m);
  }

  close(): void {
    this.#heap.close();
    this.waiters.notify();
  }

  #insert(m: LiveMessage, invisibleUntil: number, now: number): void {
    this.#messages.set(m.seq, m);
    if (invisibleUntil > now) {
      this.#makeInvisible(m, m.recv && m.recv.visibleAt > now ? 'inflight' : 'delayed', invisibleUntil);
    } else {
      m.state = 'ready';
      this.#ready.set(m.seq, m);
    }
  }

  #makeInvisible(m: LiveMessage, state: 'inflight' | 'delayed', until: number): void {
    m.state = state;
    m.visibleAt = until;
    if (state === 'inflight') this.#inflight++;
    else this.#delayed++;
    this.#heap.push({ at: until, seq: m.seq });
  }

  #forget(m: LiveMessage): void {
    if (!this.#messages.delete(m.seq)) return;
    if (m.state === 'ready') this.#ready.delete(m.seq);
    else if (m.state === 'inflight') this.#inflight--;
    else this.#delayed--;
  }

  #onDue(due: Due[]): void {
    const now = Date.now();
    let woke = false;
    for (const d of due) {
      const m = this.#messages.get(d.seq);
      // Stale entries: deleted, already visible, or re-hidden for longer since.
      if (!m || m.state === 'ready' || m.visibleAt > now) continue;
      if (m.state === 'inflight') this.#inflight--;
      else this.#delayed--;
      m.state = 'ready';
      m.visibleAt = 0;
      this.#ready.set(m.seq, m);
      woke = true;
    }
    if (woke) this.waiters.notify();
  }

  #expire(m: LiveMessage): void {
    this.remove(m.seq).catch((err: unknown) =>
      this.#log.error({ err, queue: this.name }, 'failed to delete an expired message'),
    );
  }

  /** Moves a message that was received too often to the dead-letter queue. False when there is none. */
  #redrive(m: LiveMessage, dlqArn: string): boolean {
    const dlq = this.#resolve(dlqArn);
    if (!dlq || dlq === this) return false;
    this.#forget(m);
    const moved: StoredMessage = {
      ...m.stored,
      deadLetterSourceArn: this.arn,
      delayUntil: 0,
      initialReceiveCount: m.recv?.receiveCount ?? 0,
      ...(m.recv ? { firstReceiveAt: m.recv.firstReceiveAt } : {}),
    };
    dlq
      .append([moved])
      .then(async () => {
        await this.#store.remove(this.logName, m.seq);
        if (m.recv) await this.#store.deleteDoc(this.#recvNs, seqId(m.seq));
      })
      .catch((err: unknown) => {
        this.#log.error({ err, queue: this.name }, 'redrive to the dead-letter queue failed; message kept');
        if (this.lifecycle === 'active') this.#insert(m, 0, Date.now());
      });
    return true;
  }
}
