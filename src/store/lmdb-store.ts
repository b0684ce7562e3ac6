import { open, type Database, type RootDatabase } from 'lmdb';
import { mkdirSync } from 'node:fs';
import { DIR_MODE, FILE_MODE } from './data-dir.js';
import type { LogEntry, Store } from './store.js';

/** Entries removed per write transaction while trimming, so puts interleave. */
const TRIM_CHUNK = 2000;
const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/**
 * The embedded default engine. lmdb-js batches every write issued in the same event-loop turn into one
 * transaction: that is our group commit. On Linux/macOS lmdb-js defaults to `overlappingSync`, where a write's
 * promise resolves once the transaction is *committed* (visible) and the fsync runs afterwards, overlapping the
 * next transaction. So every write here also awaits `flushed` (the last commit fsync'd) before resolving:
 * a resolved append/putDoc means on disk, as the Store contract says.
 */
export class LmdbStore implements Store {
  readonly engine = 'lmdb' as const;
  readonly durable = true;
  readonly #root: RootDatabase;
  readonly #docs: Database<unknown, [string, string]>;
  readonly #logs: Database<unknown, [string, number]>;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    // noSync stays false (commits are fsync'd); noMemInit: pages are not zeroed (faster, safe). noSubdir: false
    // always: `dir` is a directory holding data.mdb and lock.mdb (lmdb-js would take a path whose name has a dot,
    // like /srv/tributary.data or any mktemp dir, for the database file itself).
    this.#root = open({
      path: dir,
      // data.mdb holds IAM users' secret keys and STS sessions: the server's user only (data-dir.ts). lmdb-js
      // hands this to mdb_env_open (its default is 0664); its typings do not list it.
      ...{ permissionsMode: FILE_MODE },
      noSubdir: false,
      maxDbs: 4,
      noMemInit: true,
      mapSize: 2 ** 34,
      compression: false,
    });
    this.#docs = this.#root.openDB({ name: 'docs' });
    // Log entries are msgpack maps, not msgpackr "records": without shared structures every record value would
    // carry its own structure definition, which costs more to write (and 1 byte more to store) than a map.
    // Values written either way decode alike, so existing data stays readable.
    // (lmdb-js passes `encoder` options of openDB on to msgpackr; its typings only list them for open().)
    const logsOptions = { name: 'logs', encoder: { useRecords: false } };
    this.#logs = this.#root.openDB(logsOptions);
  }

  getDoc<T>(ns: string, id: string): T | undefined {
    return this.#docs.get([ns, id]) as T | undefined;
  }

  listDocs<T>(ns: string): Array<{ id: string; doc: T }> {
    const out: Array<{ id: string; doc: T }> = [];
    for (const { key, value } of this.#docs.getRange({ start: [ns, ''], end: [ns, '\uffff'] })) {
      out.push({ id: key[1], doc: value as T });
    }
    return out;
  }

  async putDoc(ns: string, id: string, doc: unknown): Promise<void> {
    await this.#docs.put([ns, id], doc);
    await this.#flushed();
  }

  async deleteDoc(ns: string, id: string): Promise<void> {
    await this.#docs.remove([ns, id]);
    await this.#flushed();
  }

  /** Resolves once every commit so far is fsync'd (a no-op wait when it already is). */
  async #flushed(): Promise<void> {
    await this.#root.flushed;
  }

  async append(log: string, entries: ReadonlyArray<LogEntry<unknown>>): Promise<void> {
    if (entries.length === 0) return;
    let last: Promise<boolean> | undefined;
    for (const e of entries) last = this.#logs.put([log, e.seq], e.value);
    // All puts of this turn commit in one transaction; the last promise resolves once it is committed,
    // `flushed` once it is on disk.
    await last;
    await this.#flushed();
  }

  read<T>(log: string, fromSeq: number, limit: number): Array<LogEntry<T>> {
    const out: Array<LogEntry<T>> = [];
    for (const { key, value } of this.#logs.getRange({ start: [log, fromSeq], end: [log, MAX_SEQ], limit })) {
      out.push({ seq: key[1], value: value as T });
    }
    return out;
  }

  floor<T>(log: string, seq: number): LogEntry<T> | undefined {
    for (const { key, value } of this.#logs.getRange({
      start: [log, seq],
      end: [log, -1],
      reverse: true,
      limit: 1,
    })) {
      return { seq: key[1], value: value as T };
    }
    return undefined;
  }

  lastSeq(log: string): number | undefined {
    for (const key of this.#logs.getKeys({
      start: [log, MAX_SEQ],
      end: [log, -1],
      reverse: true,
      limit: 1,
    })) {
      return key[1];
    }
    return undefined;
  }

  firstSeq(log: string): number | undefined {
    for (const key of this.#logs.getKeys({ start: [log, -1], end: [log, MAX_SEQ], limit: 1 })) return key[1];
    return undefined;
  }

  async trim(log: string, beforeSeq: number): Promise<number> {
    let removed = 0;
    for (;;) {
      const keys = [...this.#logs.getKeys({ start: [log, -1], end: [log, beforeSeq], limit: TRIM_CHUNK })];
      if (keys.length === 0) return removed;
      await this.#logs.transaction(() => {
        for (const k of keys) this.#logs.removeSync(k);
      });
      removed += keys.length;
      if (keys.length < TRIM_CHUNK) return removed;
    }
  }

  async remove(log: string, seq: number): Promise<void> {
    await this.#logs.remove([log, seq]);
    await this.#flushed();
  }

  async dropLog(log: string): Promise<void> {
    await this.trim(log, MAX_SEQ);
  }

  async close(): Promise<void> {
    await this.#root.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
