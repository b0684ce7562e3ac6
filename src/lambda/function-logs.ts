import { EventEmitter } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface FunctionLogsEvents {
  /** One log line of a function (its output and Lambda's START/END/REPORT lines). */
  line: [{ functionName: string; line: string }];
}

interface Sink {
  stream: WriteStream;
  bytes: number;
  /** Lines written while the file is being rotated. */
  held: string[] | undefined;
}

/**
 * Each function's log: `<root>/logs/<function>.log`, rotated to `.log.1` past `maxBytes` (so at most twice
 * that is kept), optionally echoed on the server's stdout as `[function] line`. Writes are asynchronous and
 * ordered; `flush()` waits for them.
 */
export class FunctionLogs extends EventEmitter<FunctionLogsEvents> {
  readonly dir: string;
  readonly #maxBytes: number;
  readonly #print: boolean;
  readonly #sinks = new Map<string, Sink>();

  constructor(root: string, opts: { maxBytes: number; print: boolean }) {
    super();
    this.setMaxListeners(0);
    this.dir = join(root, 'logs');
    mkdirSync(this.dir, { recursive: true });
    this.#maxBytes = opts.maxBytes;
    this.#print = opts.print;
  }

  file(functionName: string): string {
    return join(this.dir, `${functionName}.log`);
  }

  write(functionName: string, line: string): void {
    if (this.#print) process.stdout.write(`[${functionName}] ${line}\n`);
    this.emit('line', { functionName, line });
    const sink = this.#sink(functionName);
    const text = line + '\n';
    if (sink.held) {
      sink.held.push(text);
      return;
    }
    sink.stream.write(text);
    sink.bytes += Buffer.byteLength(text);
    if (sink.bytes >= this.#maxBytes) void this.#rotate(functionName, sink);
  }

  #sink(functionName: string): Sink {
    let sink = this.#sinks.get(functionName);
    if (!sink) {
      const stream = this.#open(functionName);
      sink = { stream, bytes: 0, held: [] };
      this.#sinks.set(functionName, sink);
      // Learn the existing file's size before writing, so rotation accounts for earlier runs.
      const s = sink;
      void stat(this.file(functionName))
        .then((st) => st.size, () => 0)
        .then((size) => {
          s.bytes = size;
          const held = s.held ?? [];
          s.held = undefined;
          for (const t of held) {
            s.stream.write(t);
            s.bytes += Buffer.byteLength(t);
          }
          if (s.bytes >= this.#maxBytes) void this.#rotate(functionName, s);
        });
    }
    return sink;
  }

  #open(functionName: string): WriteStream {
    const stream = createWriteStream(this.file(functionName), { flags: 'a' });
    stream.on('error', () => undefined);
    return stream;
  }

  async #rotate(functionName: string, sink: Sink): Promise<void> {
    if (sink.held) return;
    sink.held = [];
    const old = sink.stream;
    await new Promise<void>((r) => old.end(r));
    await rename(this.file(functionName), `${this.file(functionName)}.1`).catch(() => undefined);
    sink.stream = this.#open(functionName);
    sink.bytes = 0;
    const held = sink.held;
    sink.held = undefined;
    for (const t of held) {
      sink.stream.write(t);
      sink.bytes += Buffer.byteLength(t);
    }
  }

  /** Resolves once every line written so far is in the file. */
  async flush(functionName: string): Promise<void> {
    const sink = this.#sinks.get(functionName);
    if (!sink) return;
    for (let i = 0; i < 100 && sink.held; i++) await new Promise((r) => setTimeout(r, 5));
    await new Promise<void>((r) => sink.stream.write('', () => r()));
  }

  /** The last `lines` lines of a function's log (rotated file included), or undefined when it has none. */
  async tail(functionName: string, lines: number): Promise<string[] | undefined> {
    await this.flush(functionName);
    const read = (p: string): Promise<string | undefined> => readFile(p, 'utf8').catch(() => undefined);
    const older = await read(`${this.file(functionName)}.1`);
    const current = await read(this.file(functionName));
    if (older === undefined && current === undefined) return undefined;
    const all = ((older ?? '') + (current ?? '')).split('\n');
    if (all[all.length - 1] === '') all.pop();
    return lines <= 0 ? [] : all.slice(-lines);
  }

  async close(): Promise<void> {
    const sinks = [...this.#sinks.values()];
    this.#sinks.clear();
    await Promise.all(sinks.map((s) => new Promise<void>((r) => s.stream.end(r))));
  }
}
