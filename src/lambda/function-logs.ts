import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { appendFile, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMissingFile, unlessMissing } from '../store/missing-file.js';

export interface FunctionLogsEvents {
  /** One log line of a function (its output and Lambda's START/END/REPORT lines). */
  line: [{ functionName: string; line: string; logStream: string }];
}

interface Sink {
  /** Lines not yet written. */
  pending: string[];
  pendingBytes: number;
  /** Size of the current file (learnt on first write). */
  bytes: number | undefined;
  /** The write in progress (writes of one sink never overlap, so lines stay in order). */
  writing: Promise<void> | undefined;
}

/** How long lines may wait before they are written: one file write per burst, not per line. */
const FLUSH_DELAY_MS = 20;
const FLUSH_BYTES = 64 * 1024;

/**
 * Each function's log: `<root>/logs/<function>.log`, rotated to `.log.1` past `maxBytes` (so at most twice
 * that is kept), optionally echoed on the server's stdout as `[function] line`. Lines are batched and
 * appended asynchronously (never a file write per line on the invoke path); `flush()` waits for them.
 */
export class FunctionLogs extends EventEmitter<FunctionLogsEvents> {
  readonly dir: string;
  readonly #maxBytes: number;
  readonly #print: boolean;
  readonly #sinks = new Map<string, Sink>();
  #timer: NodeJS.Timeout | undefined;
  readonly #onWriteError: (functionName: string, err: unknown) => void;
  /** `function\0code` of the write failures reported: a full disk is reported once per function, not per line. */
  readonly #reported = new Set<string>();

  /**
   * `onWriteError`: a write to a function's log file failed (the lines are lost from the file; they still went to
   * the `line` listeners, so CloudWatch Logs has them).
   */
  constructor(
    root: string,
    opts: { maxBytes: number; print: boolean; onWriteError: (functionName: string, err: unknown) => void },
  ) {
    super();
    this.#onWriteError = opts.onWriteError;
    this.setMaxListeners(0);
    this.dir = join(root, 'logs');
    mkdirSync(this.dir, { recursive: true });
    this.#maxBytes = opts.maxBytes;
    this.#print = opts.print;
  }

  file(functionName: string): string {
    return join(this.dir, `${functionName}.log`);
  }

  /** `logStream`: the worker's CloudWatch Logs stream (the Logs component files the line there too). */
  write(functionName: string, line: string, logStream: string): void {
    if (this.#print) process.stdout.write(`[${functionName}] ${line}\n`);
    this.emit('line', { functionName, line, logStream });
    let sink = this.#sinks.get(functionName);
    if (!sink)
      this.#sinks.set(
        functionName,
        (sink = { pending: [], pendingBytes: 0, bytes: undefined, writing: undefined }),
      );
    sink.pending.push(line + '\n');
    sink.pendingBytes += line.length + 1;
    if (sink.pendingBytes >= FLUSH_BYTES) void this.#drain(functionName, sink);
    else this.#timer ??= setTimeout(() => this.#flushAll(), FLUSH_DELAY_MS);
  }

  #flushAll(): void {
    this.#timer = undefined;
    for (const [name, sink] of this.#sinks) if (sink.pending.length > 0) void this.#drain(name, sink);
  }

  /** Writes the sink's pending lines after any write in progress; rotates when the file is full. */
  #drain(functionName: string, sink: Sink): Promise<void> {
    const run = async (): Promise<void> => {
      if (sink.pending.length === 0) return;
      const lines = sink.pending;
      sink.pending = [];
      sink.pendingBytes = 0;
      const file = this.file(functionName);
      const report = (err: unknown): void => this.#reportWriteError(functionName, err);
      sink.bytes ??= await stat(file).then(
        (s) => s.size,
        (err: unknown) => {
          if (!isMissingFile(err)) report(err);
          return 0;
        },
      );
      // Fill the current file up to the limit, rotate, go on: no file grows past maxBytes (bar one huge line).
      let chunk = '';
      let chunkBytes = 0;
      for (const line of lines) {
        const n = Buffer.byteLength(line);
        if (sink.bytes + chunkBytes + n > this.#maxBytes && sink.bytes + chunkBytes > 0) {
          if (chunk !== '') await appendFile(file, chunk).catch(report);
          await rename(file, `${file}.1`).catch(report);
          sink.bytes = 0;
          chunk = '';
          chunkBytes = 0;
        }
        chunk += line;
        chunkBytes += n;
      }
      if (chunk !== '') await appendFile(file, chunk).catch(report);
      sink.bytes += chunkBytes;
    };
    const next = (sink.writing ?? Promise.resolve()).then(run);
    sink.writing = next;
    void next.then(() => {
      if (sink.writing === next) sink.writing = undefined;
    });
    return next;
  }

  #reportWriteError(functionName: string, err: unknown): void {
    const key = `${functionName}\0${(err as NodeJS.ErrnoException).code ?? String(err)}`;
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    this.#onWriteError(functionName, err);
  }

  /** Resolves once every line written so far is in the file. */
  async flush(functionName: string): Promise<void> {
    const sink = this.#sinks.get(functionName);
    if (sink) await this.#drain(functionName, sink);
  }

  /** The last `lines` lines of a function's log (rotated file included), or undefined when it has none. */
  async tail(functionName: string, lines: number): Promise<string[] | undefined> {
    await this.flush(functionName);
    const read = (p: string): Promise<string | undefined> => unlessMissing(readFile(p, 'utf8'));
    const older = await read(`${this.file(functionName)}.1`);
    const current = await read(this.file(functionName));
    if (older === undefined && current === undefined) return undefined;
    const all = ((older ?? '') + (current ?? '')).split('\n');
    if (all[all.length - 1] === '') all.pop();
    return lines <= 0 ? [] : all.slice(-lines);
  }

  async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await Promise.all([...this.#sinks].map(([name, sink]) => this.#drain(name, sink)));
  }
}
