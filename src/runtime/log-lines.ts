/** Lambda's platform log lines, formatted as AWS writes them (tab separated). */

export function startLine(requestId: string, version: string): string {
  return `START RequestId: ${requestId} Version: ${version}`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

export interface ReportFacts {
  requestId: string;
  durationMs: number;
  memorySize: number;
  maxMemoryUsedMb: number | undefined;
  initDurationMs?: number;
  /** `timeout` or `error` when the invocation did not complete normally. */
  status?: 'timeout' | 'error';
  errorType?: string;
  /** Time the invocation waited for a worker under the machine limit (`--max-workers`), when it had to. */
  queuedMs?: number;
}

export function reportLine(f: ReportFacts): string {
  let s =
    `REPORT RequestId: ${f.requestId}\tDuration: ${f.durationMs.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(f.durationMs))} ms` +
    `\tMemory Size: ${f.memorySize} MB\tMax Memory Used: ${f.maxMemoryUsedMb ?? 0} MB`;
  if (f.initDurationMs !== undefined) s += `\tInit Duration: ${f.initDurationMs.toFixed(2)} ms`;
  if (f.status !== undefined) s += `\tStatus: ${f.status}`;
  if (f.errorType !== undefined) s += `\tError Type: ${f.errorType}`;
  // Not an AWS field (Lambda never queues a synchronous invoke): last, so parsers of AWS's fields are unaffected.
  if (f.queuedMs !== undefined) s += `\tQueue Duration: ${f.queuedMs.toFixed(2)} ms`;
  return s + '\t';
}

/** `Task timed out after 3.00 seconds`: AWS prints the limit with two decimals. */
export function timeoutMessage(timeoutSeconds: number): string {
  return `Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;
}

/**
 * Splits a byte stream into lines. A partial last line is held until its newline arrives or `flush()` is
 * called (an invocation ended, the process exited), so platform lines never land mid-line.
 */
export class LineSplitter {
  #partial = '';
  readonly #onLine: (line: string) => void;
  /** Very long lines are cut so one runaway write cannot grow the buffer without bound. */
  static readonly MAX_LINE = 256 * 1024;

  constructor(onLine: (line: string) => void) {
    this.#onLine = onLine;
  }

  push(chunk: Buffer | string): void {
    const text = this.#partial + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.#onLine(text.slice(start, end));
      start = nl + 1;
    }
    this.#partial = text.slice(start);
    while (this.#partial.length > LineSplitter.MAX_LINE) {
      this.#onLine(this.#partial.slice(0, LineSplitter.MAX_LINE));
      this.#partial = this.#partial.slice(LineSplitter.MAX_LINE);
    }
  }

  flush(): void {
    if (this.#partial.length === 0) return;
    const line = this.#partial;
    this.#partial = '';
    this.#onLine(line);
  }
}

/** The last `limit` bytes of the lines given to it: X-Amz-Log-Result is the log's last 4 KB. */
export class TailBuffer {
  readonly #lines: string[] = [];
  #bytes = 0;
  readonly #limit: number;

  constructor(limit = 4096) {
    this.#limit = limit;
  }

  push(line: string): void {
    this.#lines.push(line);
    this.#bytes += Buffer.byteLength(line) + 1;
    while (this.#lines.length > 1 && this.#bytes - (Buffer.byteLength(this.#lines[0]!) + 1) >= this.#limit) {
      this.#bytes -= Buffer.byteLength(this.#lines.shift()!) + 1;
    }
  }

  /** Base64 of the last `limit` bytes, as X-Amz-Log-Result carries it. */
  toBase64(): string {
    const all = Buffer.from(this.#lines.map((l) => l + '\n').join(''), 'utf8');
    return all.subarray(Math.max(0, all.length - this.#limit)).toString('base64');
  }
}
