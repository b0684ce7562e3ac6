import { serverEndpoint, type ServerFlags } from './common.js';
import type { StatusReport } from '../app/status-report.js';
import { signedFetch } from './signed-fetch.js';

export interface StatusFlags extends ServerFlags {
  /** Redraw every `interval` seconds until interrupted. */
  watch?: boolean;
  /** Seconds between redraws with --watch. */
  interval?: string;
}

export async function fetchStatus(endpoint: string, signal?: AbortSignal): Promise<StatusReport> {
  const res = await signedFetch(`${endpoint}/_tributary/status`, signal ? { signal } : {});
  if (!res.ok) throw new Error(`GET /_tributary/status answered ${res.status}`);
  return (await res.json()) as StatusReport;
}

// ---------------------------------------------------------------------------------------------
// Rendering

const count = (n: number): string => n.toLocaleString('en-US');

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** A left-aligned text table; numeric-looking columns are right-aligned. */
export function table(headers: string[], rows: string[][]): string {
  if (rows.length === 0) return '  (none)';
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.every((r) => /^[-\d.,]+( [a-zA-Z]+)?$|^-$/.test(r[i] ?? '')));
  const line = (cells: string[], header: boolean): string =>
    '  ' +
    cells
      .map((c, i) => (numeric[i] && !header ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers, true), ...rows.map((r) => line(r, false))].join('\n');
}

/** The last part of an ARN: the function of a FunctionArn, the stream of a stream ARN. */
function arnName(arn: string): string {
  if (arn.includes(':function:')) return arn.split(':function:')[1] ?? arn;
  const slash = arn.lastIndexOf('/');
  return slash >= 0 ? arn.slice(slash + 1) : arn;
}

/**
 * The report as tables: streams, event source mappings, functions, then workers, the server's internal errors and
 * runtimes when given.
 */
export function renderStatus(r: StatusReport): string {
  const streams = table(
    ['NAME', 'STATUS', 'SHARDS', 'RETENTION', 'RECORDS IN', 'BYTES IN', 'RECORDS READ'],
    r.streams.map((s) => [
      s.name,
      s.status,
      String(s.openShards),
      `${s.retentionHours} h`,
      count(s.incomingRecords ?? 0),
      formatBytes(s.incomingBytes ?? 0),
      count(s.getRecordsRecords ?? 0),
    ]),
  );
  const mappings = table(
    [
      'UUID',
      'FUNCTION',
      'STREAM',
      'STATE',
      'LAST PROCESSING RESULT',
      'RECORDS',
      'ERRORS',
      'THROTTLES',
      'BEHIND',
      'ITERATOR AGE',
      'MAX AGE',
    ],
    r.mappings.map((m) => [
      m.uuid,
      arnName(m.functionArn),
      arnName(m.eventSourceArn),
      m.state,
      m.lastProcessingResult,
      count(m.metrics?.records ?? 0),
      count(m.metrics?.errors ?? 0),
      count(m.metrics?.throttles ?? 0),
      count(m.recordsBehind ?? 0),
      // Behind: the age of the oldest record still to process; caught up: the last batch's (AWS's reading).
      formatMs(
        (m.recordsBehind ?? 0) > 0 ? (m.iteratorAgeMs ?? null) : m.metrics ? m.metrics.iteratorAgeMs : null,
      ),
      formatMs(m.metrics ? m.metrics.maxIteratorAgeMs : null),
    ]),
  );
  const functions = table(
    [
      'NAME',
      'STATE',
      'RUNTIME',
      'INVOCATIONS',
      'ERRORS',
      'THROTTLES',
      'AVG DURATION',
      'MAX DURATION',
      'RUNNING',
    ],
    (r.functions ?? []).map((f) => [
      f.name,
      f.state,
      f.runtime,
      count(f.invocations),
      count(f.errors),
      count(f.throttles),
      formatMs(f.avgDurationMs),
      formatMs(f.maxDurationMs),
      String(f.concurrent),
    ]),
  );
  const sections = [`STREAMS\n${streams}`, `EVENT SOURCE MAPPINGS\n${mappings}`, `FUNCTIONS\n${functions}`];
  if (r.workers !== undefined) {
    const w = r.workers;
    const workers = table(
      ['ALIVE', 'MAX', 'WAITING FOR A WORKER', 'WAIT TIMEOUTS'],
      [[String(w.alive), String(w.maxWorkers), count(w.waiting), count(w.waitTimeouts)]],
    );
    sections.push(`WORKERS\n${workers}`);
  }
  if (r.internalErrors !== undefined) {
    // Bugs answered as InternalFailure: each is in the server's log at error level, by request id.
    sections.push(`SERVER\n${table(['INTERNAL ERRORS'], [[count(r.internalErrors)]])}`);
  }
  if (r.runtimes !== undefined && r.runtimes.length > 0) {
    const runtimes = table(
      ['RUNTIME', 'RUNS ON', 'VERSION', 'NOTE'],
      r.runtimes.map((h) => [
        h.runtime,
        h.command ?? (h.runtime.startsWith('provided') ? "the zip's bootstrap" : '-'),
        h.version ?? '-',
        h.note ?? '',
      ]),
    );
    sections.push(`RUNTIMES\n${runtimes}`);
  }
  return sections.join('\n\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Command

/** Clears a terminal and puts the cursor home: --watch redraws in place on a TTY. */
export const CLEAR = '\x1b[2J\x1b[H';

/**
 * `tributary status [--watch] [--interval S] [--endpoint URL] [--json]`: streams, mappings (state,
 * LastProcessingResult, records, errors, IteratorAge) and functions of a running server, from
 * GET /_tributary/status. Totals count since the server started. Returns the exit code.
 *
 * With --watch, a terminal is redrawn in place; anything else (a pipe, a file) gets plain frames one after
 * another, without escape codes. A reader that goes away (`| head`) ends the command quietly with code 0.
 */
export async function status(
  flags: StatusFlags,
  out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const endpoint = serverEndpoint(flags);
  const interval = Number(flags.interval ?? '2');
  if (!Number.isFinite(interval) || interval <= 0) {
    err.write(`--interval must be a positive number of seconds, got ${flags.interval}\n`);
    return 2;
  }
  const render = (r: StatusReport): string =>
    flags.json ? JSON.stringify(r, null, 2) + '\n' : renderStatus(r);

  const ac = new AbortController();
  // EPIPE: the reader closed the pipe (`| head`), which is how such a reader says it has seen enough.
  let outputError: Error | undefined;
  const onOutputError = (e: NodeJS.ErrnoException): void => {
    if (e.code !== 'EPIPE') outputError = e;
    ac.abort();
  };
  out.on('error', onOutputError);
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    if (!flags.watch) {
      try {
        const body = render(await fetchStatus(endpoint, ac.signal));
        await write(out, body);
      } catch (e) {
        if (ac.signal.aborted) return outputError ? failedOutput(err, outputError) : 0;
        err.write(`Cannot get status from Tributary at ${endpoint}: ${(e as Error).message}\n`);
        return 1;
      }
      return outputError ? failedOutput(err, outputError) : 0;
    }

    const redraw = out.isTTY === true;
    let first = true;
    while (!ac.signal.aborted) {
      let body: string;
      try {
        body = render(await fetchStatus(endpoint, ac.signal));
      } catch (e) {
        if (ac.signal.aborted) break;
        // The server may be restarting: keep watching.
        body = `Cannot get status: ${(e as Error).message}\n`;
      }
      const heading = `Tributary at ${endpoint} — ${new Date().toISOString()} — every ${interval}s, Ctrl-C to quit\n\n`;
      // A terminal is redrawn; a pipe gets frames one after another, a blank line between them.
      await write(out, `${redraw ? CLEAR : first ? '' : '\n'}${heading}${body}`);
      first = false;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, interval * 1000);
        ac.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(t);
            resolve();
          },
          { once: true },
        );
      });
    }
    return outputError ? failedOutput(err, outputError) : 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    // Later errors of a stream we no longer write to (an EPIPE flushed late) must not end the process.
    out.off('error', onOutputError);
    out.on('error', () => undefined);
  }
}

/** Writes and waits until the text is handed to the OS; a failed write is reported through 'error'. */
function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => out.write(text, () => resolve()));
}

function failedOutput(err: NodeJS.WritableStream, e: Error): number {
  err.write(`Cannot write the status: ${e.message}\n`);
  return 1;
}
