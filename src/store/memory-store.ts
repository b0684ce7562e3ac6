import type { LogEntry, Store } from './store.js';

interface MemLog {
  entries: Array<LogEntry<unknown>>;
}

/** Lower bound: index of the first entry with seq >= target. */
function lowerBound(entries: ReadonlyArray<LogEntry<unknown>>, target: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]!.seq < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `--in-memory`: the same interface, nothing on disk. */
export class MemoryStore implements Store {
  readonly engine = 'memory' as const;
  readonly durable = false;
  readonly #docs = new Map<string, Map<string, unknown>>();
  readonly #logs = new Map<string, MemLog>();

  getDoc<T>(ns: string, id: string): T | undefined {
    return structuredClone(this.#docs.get(ns)?.get(id)) as T | undefined;
  }

  listDocs<T>(ns: string): Array<{ id: string; doc: T }> {
    const m = this.#docs.get(ns);
    if (!m) return [];
    return [...m.keys()].sort().map((id) => ({ id, doc: structuredClone(m.get(id)) as T }));
  }

  async putDoc(ns: string, id: string, doc: unknown): Promise<void> {
    let m = this.#docs.get(ns);
    if (!m) this.#docs.set(ns, (m = new Map()));
    m.set(id, structuredClone(doc));
  }

  async deleteDoc(ns: string, id: string): Promise<void> {
    this.#docs.get(ns)?.delete(id);
  }

  async append(log: string, entries: ReadonlyArray<LogEntry<unknown>>): Promise<void> {
    let l = this.#logs.get(log);
    if (!l) this.#logs.set(log, (l = { entries: [] }));
    for (const e of entries) l.entries.push({ seq: e.seq, value: e.value });
  }

  read<T>(log: string, fromSeq: number, limit: number): Array<LogEntry<T>> {
    const l = this.#logs.get(log);
    if (!l) return [];
    const i = lowerBound(l.entries, fromSeq);
    return l.entries.slice(i, i + limit) as Array<LogEntry<T>>;
  }

  floor<T>(log: string, seq: number): LogEntry<T> | undefined {
    const l = this.#logs.get(log);
    if (!l) return undefined;
    const i = lowerBound(l.entries, seq + 1) - 1;
    return i >= 0 ? (l.entries[i] as LogEntry<T>) : undefined;
  }

  lastSeq(log: string): number | undefined {
    const e = this.#logs.get(log)?.entries;
    return e && e.length > 0 ? e[e.length - 1]!.seq : undefined;
  }

  firstSeq(log: string): number | undefined {
    return this.#logs.get(log)?.entries[0]?.seq;
  }

  async trim(log: string, beforeSeq: number): Promise<number> {
    const l = this.#logs.get(log);
    if (!l) return 0;
    const i = lowerBound(l.entries, beforeSeq);
    l.entries.splice(0, i);
    return i;
  }

  async remove(log: string, seq: number): Promise<void> {
    const l = this.#logs.get(log);
    if (!l) return;
    const i = lowerBound(l.entries, seq);
    if (l.entries[i]?.seq === seq) l.entries.splice(i, 1);
  }

  async dropLog(log: string): Promise<void> {
    this.#logs.delete(log);
  }

  async close(): Promise<void> {
    this.#docs.clear();
    this.#logs.clear();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
