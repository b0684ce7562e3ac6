import type { Store } from '../store/store.js';

/**
 * Documents that belong to one function and die with it — published versions, aliases, event invoke
 * configurations — kept in memory and written through to one store namespace under the id `function:key`
 * (function names cannot contain `:`, so the first `:` splits the id). Memory is updated before the store so
 * that writes issued in order land in order and the last one wins in both.
 */
export class PerFunctionDocs<T> {
  readonly #store: Store;
  readonly #ns: string;
  readonly #byFunction = new Map<string, Map<string, T>>();

  constructor(store: Store, ns: string) {
    this.#store = store;
    this.#ns = ns;
    for (const { id, doc } of store.listDocs<T>(ns)) {
      const at = id.indexOf(':');
      this.#mapOf(id.slice(0, at)).set(id.slice(at + 1), doc);
    }
  }

  get(fn: string, key: string): T | undefined {
    return this.#byFunction.get(fn)?.get(key);
  }

  /** The function's documents, in no particular order. */
  all(fn: string): T[] {
    return [...(this.#byFunction.get(fn)?.values() ?? [])];
  }

  /** Every function's documents. */
  *entries(): Iterable<[fn: string, doc: T]> {
    for (const [fn, m] of this.#byFunction) for (const d of m.values()) yield [fn, d];
  }

  async put(fn: string, key: string, doc: T): Promise<void> {
    this.#mapOf(fn).set(key, doc);
    await this.#store.putDoc(this.#ns, `${fn}:${key}`, doc);
  }

  async delete(fn: string, key: string): Promise<void> {
    const m = this.#byFunction.get(fn);
    m?.delete(key);
    if (m?.size === 0) this.#byFunction.delete(fn);
    await this.#store.deleteDoc(this.#ns, `${fn}:${key}`);
  }

  /** The function is gone: all of its documents go too. */
  async deleteFunction(fn: string): Promise<void> {
    const keys = [...(this.#byFunction.get(fn)?.keys() ?? [])];
    this.#byFunction.delete(fn);
    for (const k of keys) await this.#store.deleteDoc(this.#ns, `${fn}:${k}`);
  }

  #mapOf(fn: string): Map<string, T> {
    let m = this.#byFunction.get(fn);
    if (!m) this.#byFunction.set(fn, (m = new Map()));
    return m;
  }
}
