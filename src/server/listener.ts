import { randomUUID } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { once } from 'node:events';
import type { Logger } from 'pino';
import type { ErrorPath } from './error-path.js';
import type { ApiRequest, ApiResponse } from './http-types.js';

/** The first bytes of every cleartext HTTP/2 connection ("prior knowledge", RFC 9113 §3.4). */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/** Requests larger than this are refused before they are buffered (zipped functions are the largest). */
export const MAX_REQUEST_BYTES = 80 * 1024 * 1024;

export type Dispatch = (req: ApiRequest) => Promise<ApiResponse>;

export interface ListenerOptions {
  port: number;
  host: string;
  dispatch: Dispatch;
  log: Logger;
  /** Where failures outside the router (a bug in the transport code) are logged and counted. */
  errors: ErrorPath;
}

/** HTTP/2 connection-level receive window: the largest request body (PutRecords: 5 MiB of data, base64). */
const CONNECTION_WINDOW_BYTES = 8 * 1024 * 1024;

/**
 * One TCP port serving HTTP/1.1 and cleartext HTTP/2. Each connection's first bytes are sniffed:
 * the HTTP/2 preface goes to the `http2` server, anything else to `http`.
 */
export class Listener implements AsyncDisposable {
  readonly #tcp: net.Server;
  readonly #h1: http.Server;
  readonly #h2: http2.Http2Server;
  readonly #sockets = new Set<net.Socket>();
  readonly #sessions = new Set<http2.ServerHttp2Session>();
  /** Requests whose response is not complete yet, by their abort controller: what a drain waits for. */
  readonly #inFlight = new Map<AbortController, http.ServerResponse | http2.ServerHttp2Stream>();
  /** Draining (graceful shutdown): every connection closes after its response. */
  #draining = false;
  readonly #opts: ListenerOptions;

  constructor(opts: ListenerOptions) {
    this.#opts = opts;
    this.#h1 = http.createServer({ keepAliveTimeout: 60_000, requestTimeout: 0 }, (req, res) => {
      const requestId = randomUUID();
      this.#serveH1(req, res, requestId).catch((err: unknown) => this.#failed(err, res, requestId));
    });
    this.#h2 = http2.createServer({ settings: { initialWindowSize: 1 << 20 } });
    this.#h2.on('stream', (stream, headers) => {
      const requestId = randomUUID();
      this.#serveH2(stream, headers, requestId).catch((err: unknown) => this.#failed(err, stream, requestId));
    });
    this.#h2.on('session', (s) => {
      // The connection-level window starts at 64 KiB whatever SETTINGS say; a PutRecords body is often bigger,
      // and the SDK's Kinesis client opens a new connection per request, so without this every such request
      // would wait a round trip for a WINDOW_UPDATE.
      s.setLocalWindowSize(CONNECTION_WINDOW_BYTES);
      this.#sessions.add(s);
      s.on('close', () => this.#sessions.delete(s));
      s.on('error', () => undefined);
    });
    // noDelay: responses go out in more than one write (HTTP/2 HEADERS then DATA frames); with Nagle the second
    // waits for the client's delayed ACK, up to 40 ms a request on Linux.
    this.#tcp = net.createServer({ noDelay: true }, (socket) => this.#sniff(socket));
  }

  /** Binds the port; a port or host the operator must change fails with a ListenError (one line). */
  async listen(): Promise<{ host: string; port: number }> {
    const { port, host } = this.#opts;
    this.#tcp.listen(port, host);
    try {
      await once(this.#tcp, 'listening');
    } catch (err) {
      throw listenError(err, host, port);
    }
    const addr = this.#tcp.address() as net.AddressInfo;
    return { host: addr.address, port: addr.port };
  }

  #sniff(socket: net.Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => undefined);
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, H2_PREFACE.length);
      const isH2Prefix = seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      // Wait until we can tell: a partial preface could still be either protocol's start.
      if (isH2Prefix && n < H2_PREFACE.length) return;
      socket.off('data', onData);
      socket.pause();
      socket.unshift(seen);
      if (isH2Prefix) {
        // http2 reads the unshifted bytes itself (socket.readableLength) and then consumes the handle.
        this.#h2.emit('connection', socket);
      } else {
        this.#h1.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
  }

  /**
   * A request that failed outside the router (a bug, or a response the client made impossible): it must
   * neither reject unhandled (that would end the process) nor leave the client waiting.
   */
  #failed(err: unknown, res: http.ServerResponse | http2.ServerHttp2Stream, requestId: string): void {
    this.#opts.errors.report(err, { service: 'listener', operation: undefined, requestId });
    try {
      if (res instanceof http.ServerResponse) {
        if (!res.headersSent)
          res.writeHead(500, { 'content-type': 'text/plain', connection: 'close' }).end('Internal error');
        else res.destroy();
      } else if (!res.destroyed) {
        if (!res.headersSent) res.respond({ ':status': 500 }, { endStream: true });
        else res.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      }
    } catch {
      // The transport is already gone.
    }
  }

  async #serveH1(req: http.IncomingMessage, res: http.ServerResponse, requestId: string): Promise<void> {
    const ac = new AbortController();
    // Only a connection that goes away before the answer is complete aborts the work (an abort builds a
    // DOMException, too costly for every request).
    let answered = false;
    this.#inFlight.set(ac, res);
    res.on('close', () => {
      this.#inFlight.delete(ac);
      if (!answered) ac.abort();
    });
    if (this.#draining) res.setHeader('connection', 'close');
    const body = await readBody(req, req.headers['content-length']);
    if (body === 'aborted') return;
    if (body === 'too-large') {
      // Node drops the rest of the body after the answer; a client that never finishes it is cut off.
      res.writeHead(413, { 'content-type': 'text/plain' }).end('Request too large');
      if (!req.complete) {
        const cut = setTimeout(() => req.socket.destroy(), REFUSED_BODY_GRACE_MS);
        cut.unref();
        req.once('end', () => clearTimeout(cut));
      }
      return;
    }
    const url = parseTarget(req.url);
    if (url === undefined) {
      res.writeHead(400, { 'content-type': 'text/plain', connection: 'close' }).end('Bad request target');
      return;
    }
    const apiReq: ApiRequest = {
      method: req.method ?? 'GET',
      path: decodeURIComponentSafe(url.pathname),
      rawPath: url.pathname,
      query: url.searchParams,
      search: url.search.slice(1),
      headers: req.headers,
      body,
      httpVersion: '1.1',
      signal: ac.signal,
      host: req.headers.host ?? `${this.#opts.host}:${this.#opts.port}`,
      requestId,
    };
    const out = await this.#opts.dispatch(apiReq);
    if ('hangUp' in out && out.hangUp === true) {
      // No answer: the connection is dropped (the client sees ECONNRESET), as AWS does.
      answered = true;
      req.socket.destroy();
      return;
    }
    res.statusCode = out.status;
    for (const [k, v] of Object.entries(out.headers ?? {})) res.setHeader(k, v);
    if ('stream' in out) {
      await pipeStream(out.stream, res, ac.signal);
      res.end();
    } else {
      answered = true;
      res.end(out.body ?? '');
    }
  }

  async #serveH2(
    stream: http2.ServerHttp2Stream,
    headers: http2.IncomingHttpHeaders,
    requestId: string,
  ): Promise<void> {
    stream.on('error', () => undefined);
    const ac = new AbortController();
    let answered = false;
    this.#inFlight.set(ac, stream);
    stream.on('close', () => {
      this.#inFlight.delete(ac);
      if (!answered) ac.abort();
    });
    const body = await readBody(stream, headers['content-length']);
    if (body === 'aborted' || stream.destroyed || stream.closed) return;
    if (body === 'too-large') {
      stream.respond({ ':status': 413, 'content-type': 'text/plain' });
      // RST_STREAM(NO_ERROR) once the answer is out tells the client to stop sending (RFC 9113 §8.1).
      stream.end('Request too large', () => stream.close(http2.constants.NGHTTP2_NO_ERROR));
      return;
    }
    const url = parseTarget(headers[':path']);
    if (url === undefined) {
      stream.respond({ ':status': 400, 'content-type': 'text/plain' });
      stream.end('Bad request target');
      return;
    }
    const plain: http.IncomingHttpHeaders = {};
    for (const [k, v] of Object.entries(headers)) if (!k.startsWith(':')) plain[k] = v as string;
    const apiReq: ApiRequest = {
      method: headers[':method'] ?? 'GET',
      path: decodeURIComponentSafe(url.pathname),
      rawPath: url.pathname,
      query: url.searchParams,
      search: url.search.slice(1),
      headers: plain,
      body,
      httpVersion: '2',
      signal: ac.signal,
      host: headers[':authority'] ?? `${this.#opts.host}:${this.#opts.port}`,
      requestId,
    };
    const out = await this.#opts.dispatch(apiReq);
    if (stream.destroyed || stream.closed) return;
    if ('hangUp' in out && out.hangUp === true) {
      // No answer: the stream is reset, the connection's other streams go on.
      answered = true;
      stream.close(http2.constants.NGHTTP2_CANCEL);
      return;
    }
    const h: http2.OutgoingHttpHeaders = { ':status': out.status };
    for (const [k, v] of Object.entries(out.headers ?? {})) {
      const key = k.toLowerCase();
      // Connection-specific headers are illegal in HTTP/2.
      if (key !== 'connection' && key !== 'keep-alive' && key !== 'transfer-encoding') h[key] = v;
    }
    stream.respond(h);
    if ('stream' in out) {
      await pipeStream(out.stream, stream, ac.signal);
      if (!stream.destroyed) stream.end();
    } else {
      answered = true;
      stream.end(out.body ?? '');
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * The first part of a graceful shutdown. The port stays open, but every connection closes after the response it is
   * working on (HTTP/1.1 `connection: close`, HTTP/2 GOAWAY), idle ones at once; requests in flight are told the
   * server is stopping through their `signal`, so long polls answer and event streams end, while the rest (an
   * Invoke waiting for its function...) run to their end. Resolves when every response that was in flight is
   * complete. Requests that arrive meanwhile are dispatched as usual (the router refuses them while stopping).
   */
  drain(): Promise<void> {
    this.#draining = true;
    for (const s of this.#sessions) s.close();
    this.#h1.closeIdleConnections();
    const pending = [...this.#inFlight].map(([ac, res]) => {
      const complete = new Promise<void>((resolve) => res.once('close', () => resolve()));
      if (res instanceof http.ServerResponse && !res.headersSent) res.setHeader('connection', 'close');
      ac.abort();
      return complete;
    });
    return Promise.all(pending).then(() => undefined);
  }

  /** Closes the port and every connection at once, whatever is in flight. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#tcp.close(() => resolve()));
    for (const s of this.#sessions) s.close();
    for (const socket of this.#sockets) socket.destroy();
    this.#h1.closeAllConnections();
    await closed;
  }
}

/** The port could not be bound, for a reason the operator can fix: the message is one line, shown as is. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  /** The system error code (EADDRINUSE, EACCES, EADDRNOTAVAIL, ENOTFOUND...). */
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined) {
    super(message);
    this.code = code;
  }
}

function listenError(err: unknown, host: string, port: number): ListenError {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EADDRINUSE':
      return new ListenError(`port ${port} is in use — is another Tributary running? use --port`, code);
    case 'EACCES':
      return new ListenError(
        `no permission to listen on port ${port} (ports below 1024 need privileges) — use --port`,
        code,
      );
    case 'EADDRNOTAVAIL':
      return new ListenError(`cannot listen on ${host}: not an address of this machine — use --host`, code);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new ListenError(`cannot listen on ${host}: the host name does not resolve — use --host`, code);
    default: {
      const why = (err instanceof Error ? err.message : String(err)).split('\n')[0];
      return new ListenError(`cannot listen on ${host} port ${port} (${why})`, code);
    }
  }
}

/** The request target as a URL; undefined when it cannot be one (e.g. `GET http://[ HTTP/1.1`). */
function parseTarget(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Buffers a request body; `undefined` when it is larger than MAX_REQUEST_BYTES. */
/** A request body: its bytes, `too-large` past MAX_REQUEST_BYTES, or `aborted` when the client went away first. */
type Body = Buffer | 'too-large' | 'aborted';

/**
 * Buffers a request body. Past MAX_REQUEST_BYTES it stops keeping bytes but goes on reading and dropping
 * them, without destroying the stream: the 413 must reach the client, and closing a connection with unread
 * data makes the kernel reset it, losing the answer.
 */
function readBody(src: NodeJS.ReadableStream, contentLength: string | undefined): Promise<Body> {
  if (contentLength !== undefined && Number(contentLength) > MAX_REQUEST_BYTES) {
    discard(src);
    return Promise.resolve('too-large');
  }
  return new Promise<Body>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (body: Body): void => {
      src.off('data', onData);
      src.off('end', onEnd);
      src.off('error', onAbort);
      src.off('close', onAbort);
      resolve(body);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
      else {
        done('too-large');
        discard(src);
      }
    };
    const onEnd = (): void => done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    // 'close' before 'end': the client reset the stream or dropped the connection mid-body.
    const onAbort = (): void => done('aborted');
    src.on('data', onData);
    src.on('end', onEnd);
    src.on('error', onAbort);
    src.on('close', onAbort);
  });
}

/** Reads and drops the rest of a refused body. */
function discard(src: NodeJS.ReadableStream): void {
  src.on('data', () => undefined);
  src.on('error', () => undefined);
  src.resume();
}

/** How long a client may go on sending a refused body before its connection is cut. */
const REFUSED_BODY_GRACE_MS = 5_000;

/**
 * Writes an async iterable to a response honouring back-pressure (a slow reader slows the producer:
 * the next chunk is requested only after the previous write drained). When the client goes away the
 * producer is told at once through `return()`, even while it is waiting for its next chunk (an idle
 * event stream would otherwise notice only at its next heartbeat).
 */
async function pipeStream(
  src: AsyncIterable<Uint8Array>,
  dst: NodeJS.WritableStream & { destroyed?: boolean },
  signal: AbortSignal,
): Promise<void> {
  const it = src[Symbol.asyncIterator]();
  const aborted = new Promise<'aborted'>((resolve) => {
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  let finished = false;
  try {
    for (;;) {
      if (signal.aborted || dst.destroyed) break;
      const next = it.next();
      // A producer failing after we stopped listening must not become an unhandled rejection.
      next.catch(() => undefined);
      const r = await Promise.race([next, aborted]);
      if (r === 'aborted' || dst.destroyed) break;
      if (r.done) {
        finished = true;
        break;
      }
      if (!dst.write(r.value)) {
        await Promise.race([once(dst as never, 'drain', { signal }), aborted]).catch(() => undefined);
      }
    }
  } catch {
    // The producer failed mid-stream; the stream is closed by the caller.
    finished = true;
  } finally {
    if (!finished) await it.return?.()?.catch(() => undefined);
  }
}
