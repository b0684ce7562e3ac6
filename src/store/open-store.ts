import { LmdbStore } from './lmdb-store.js';
import { MemoryStore } from './memory-store.js';
import type { Store } from './store.js';

/** `inMemory` wins over `dataDir`. */
export function openStore(opts: { inMemory: boolean; dataDir: string }): Store {
  return opts.inMemory ? new MemoryStore() : new LmdbStore(opts.dataDir);
}
