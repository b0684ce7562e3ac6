import type { LogEntry, Store } from './store.js';

/**
 * One store seen through a prefix on every namespace and log name: a region's components keep their state in the
 * server's one store (one lmdb environment, one group commit) without seeing another region's. Closing it is the
 * owner's business: `close` here does nothing, the store is closed once by the App.
 */
export function scopedStore(store: Store, prefix: string): Store {
  const p = (name: string): string => `${prefix}${name}`;
  const scoped: Store = {
    engine: store.engine,
    durable: store.durable,
    getDoc: <T>(ns: string, id: string): T | undefined => store.getDoc<T>(p(ns), id),
    listDocs: <T>(ns: string): Array<{ id: string; doc: T }> => store.listDocs<T>(p(ns)),
    putDoc: (ns, id, doc) => store.putDoc(p(ns), id, doc),
    deleteDoc: (ns, id) => store.deleteDoc(p(ns), id),
    append: (log, entries) => store.append(p(log), entries),
    read: <T>(log: string, fromSeq: number, limit: number): Array<LogEntry<T>> =>
      store.read<T>(p(log), fromSeq, limit),
    floor: <T>(log: string, seq: number): LogEntry<T> | undefined => store.floor<T>(p(log), seq),
    lastSeq: (log) => store.lastSeq(p(log)),
    firstSeq: (log) => store.firstSeq(p(log)),
    trim: (log, beforeSeq) => store.trim(p(log), beforeSeq),
    remove: (log, seq) => store.remove(p(log), seq),
    dropLog: (log) => store.dropLog(p(log)),
    close: () => Promise.resolve(),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
  return scoped;
}
