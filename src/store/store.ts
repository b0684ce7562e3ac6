/**
 * The storage interface every component persists through. It is deliberately narrow — documents
 * by namespace + id, and append-only numbered logs — so a NATS JetStream backend (KV buckets +
 * streams) can implement it later.
 *
 * Durability contract: a resolved `putDoc`/`deleteDoc`/`append` means the change is on disk
 * (fsync'd) for durable engines. Concurrent writers share one flush (group commit).
 */
export interface Store extends AsyncDisposable {
  /** `lmdb` or `memory`. */
  readonly engine: StoreEngine;
  /** False for the in-memory engine: nothing survives a restart. */
  readonly durable: boolean;

  getDoc<T>(ns: string, id: string): T | undefined;
  /** All documents of a namespace, ordered by id. */
  listDocs<T>(ns: string): Array<{ id: string; doc: T }>;
  putDoc(ns: string, id: string, doc: unknown): Promise<void>;
  deleteDoc(ns: string, id: string): Promise<void>;

  /** Appends entries to a log. `seq` values must be increasing and above every existing one. */
  append(log: string, entries: ReadonlyArray<LogEntry<unknown>>): Promise<void>;
  /** Entries with seq >= fromSeq, in order, at most `limit`. Synchronous: reads are memory-mapped. */
  read<T>(log: string, fromSeq: number, limit: number): Array<LogEntry<T>>;
  /**
   * The entry with the highest seq <= `seq`, if any: for logs whose entries each hold a run of positions
   * keyed by the first (Kinesis record blocks), the entry that covers `seq`.
   */
  floor<T>(log: string, seq: number): LogEntry<T> | undefined;
  /** Highest seq in the log, or undefined when it is empty. */
  lastSeq(log: string): number | undefined;
  /** Lowest seq in the log, or undefined when it is empty. */
  firstSeq(log: string): number | undefined;
  /** Removes entries with seq < beforeSeq, in small transactions so writers never stall. */
  trim(log: string, beforeSeq: number): Promise<number>;
  /** Removes a single entry (queue messages are deleted one by one). */
  remove(log: string, seq: number): Promise<void>;
  /** Removes the whole log. */
  dropLog(log: string): Promise<void>;

  close(): Promise<void>;
}

export type StoreEngine = 'lmdb' | 'memory';

export interface LogEntry<T> {
  seq: number;
  value: T;
}
