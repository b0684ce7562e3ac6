import { strict as assert } from 'node:assert';
import { EventEmitter } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { after, before } from 'node:test';

/**
 * Where the test holds running handlers: each invocation GETs `$GATE/<id>` and returns once the test answers
 * it, so "running" and "finished" are events the test controls (no sleeps).
 */
export class Gate {
  readonly #server: Server;
  readonly #held: Array<{ id: string; res: ServerResponse }> = [];
  readonly #events = new EventEmitter();
  #open = false;
  /** Ids in the order their handlers reached the gate. */
  readonly arrived: string[] = [];
  url = '';

  private constructor() {
    this.#server = createServer((req, res) => {
      const id = decodeURIComponent((req.url ?? '/').slice(1));
      this.arrived.push(id);
      if (this.#open) res.end('open');
      else this.#held.push({ id, res });
      this.#events.emit('arrive');
    });
  }

  static async start(): Promise<Gate> {
    const g = new Gate();
    await g.#listen();
    return g;
  }

  /** A gate for the enclosing suite: listening before its tests (`url` is set then), closed after them. */
  static forSuite(): Gate {
    const g = new Gate();
    before(() => g.#listen());
    after(() => g.close());
    return g;
  }

  async #listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const addr = this.#server.address();
    if (addr === null || typeof addr === 'string') throw new Error('no gate address');
    this.url = `http://127.0.0.1:${addr.port}`;
  }

  /** Resolves once `n` handlers in all have reached the gate. */
  reached(n: number): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.arrived.length < n) return;
        this.#events.off('arrive', check);
        resolve();
      };
      this.#events.on('arrive', check);
      check();
    });
  }

  /** Lets the handler held with this id return. */
  release(id: string): void {
    const i = this.#held.findIndex((h) => h.id === id);
    assert.ok(i >= 0, `${id} is not held at the gate`);
    this.#held.splice(i, 1)[0]!.res.end('released');
  }

  /** Holds handlers again from now on (after `open`). */
  shut(): void {
    this.#open = false;
  }

  /** Lets every held handler return, and every later one pass. */
  open(): void {
    this.#open = true;
    for (const h of this.#held.splice(0)) h.res.end('open');
  }

  async close(): Promise<void> {
    this.open();
    this.#server.closeAllConnections();
    await new Promise((r) => this.#server.close(r));
  }
}
