import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { MAX_RESPONSE_BYTES } from './invocation.js';

/** An invocation as the runtime receives it from `GET .../invocation/next`. */
export interface NextInvocation {
  headers: Record<string, string>;
  body: Buffer;
}

/** The Runtime API's answers are small JSON documents with a status. */
export interface RuntimeReply {
  status: number;
  body: Record<string, unknown>;
}

/** What the worker owning this endpoint does with each Runtime API call. */
export interface RuntimeApiHandlers {
  /** Long poll: resolves when an invocation is assigned to this runtime; never resolves once it is killed. */
  next(): Promise<NextInvocation>;
  /** May resolve later: the answer to the runtime is sent after the invocation's result is delivered. */
  response(
    requestId: string,
    body: Buffer,
    headers: http.IncomingHttpHeaders,
  ): RuntimeReply | Promise<RuntimeReply>;
  error(
    requestId: string,
    body: Buffer,
    headers: http.IncomingHttpHeaders,
  ): RuntimeReply | Promise<RuntimeReply>;
  initError(body: Buffer, headers: http.IncomingHttpHeaders): RuntimeReply;
  /** A response body above the payload limit (the invocation fails with Function.ResponseSizeTooLarge). */
  responseTooLarge(requestId: string): void;
  /** Tributary's own call from a spare Node.js runtime: resolves with the function it now serves. */
  activate(): Promise<Activation>;
}

/** What a spare runtime becomes: the process environment and working directory of a function's worker. */
export interface Activation {
  env: Record<string, string>;
  cwd: string;
}

const PREFIX = '/2018-06-01/runtime';
const INVOCATION = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;

/**
 * The Lambda Runtime API for ONE worker process, on a loopback port of its own: official runtime clients
 * read only host:port from AWS_LAMBDA_RUNTIME_API, so a per-worker listener is how the server knows which
 * process is asking — without trusting anything the runtime sends.
 */
export class RuntimeApiServer implements AsyncDisposable {
  readonly #server: http.Server;
  readonly #handlers: RuntimeApiHandlers;
  #address: string | undefined;

  constructor(handlers: RuntimeApiHandlers) {
    this.#handlers = handlers;
    // keepAliveTimeout 0: a runtime's connection stays open between invocations however long it idles.
    this.#server = http.createServer(
      { keepAliveTimeout: 0, requestTimeout: 0, headersTimeout: 60_000, noDelay: true },
      (req, res) => this.#inOrder(req, res),
    );
    this.#server.on('clientError', (_err, socket) => socket.destroy());
  }

  /** Binds to an ephemeral loopback port; returns `host:port` for AWS_LAMBDA_RUNTIME_API. */
  async listen(): Promise<string> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    const a = this.#server.address() as AddressInfo;
    this.#address = `127.0.0.1:${a.port}`;
    return this.#address;
  }

  get address(): string | undefined {
    return this.#address;
  }

  async close(): Promise<void> {
    if (!this.#server.listening) return;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Per connection: the handling of its latest request, while it runs. */
  readonly #busy = new WeakMap<object, Promise<void>>();

  /**
   * Handles a connection's requests one after the other. node:http emits a pipelined request as soon as it is
   * parsed, but a runtime may send its result and its poll for the next invocation together (ours does): the
   * poll must not be seen before the result is taken, or it would count as asking for work without answering.
   */
  #inOrder(req: http.IncomingMessage, res: http.ServerResponse): void {
    const socket = req.socket;
    const before = this.#busy.get(socket);
    const serve = (): Promise<void> =>
      this.#serve(req, res).catch(() => {
        res.destroy();
      });
    const run = before ? before.then(serve) : serve();
    this.#busy.set(socket, run);
    void run.then(() => {
      if (this.#busy.get(socket) === run) this.#busy.delete(socket);
    });
  }

  async #serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const path = url.split('?', 1)[0]!;
    if (req.method === 'GET' && path === `${PREFIX}/invocation/next`) {
      req.resume();
      const inv = await this.#handlers.next();
      if (res.destroyed) return;
      res.writeHead(200, {
        ...inv.headers,
        'content-type': 'application/json',
        'content-length': inv.body.length,
      });
      res.end(inv.body);
      return;
    }
    if (req.method === 'GET' && path === `${PREFIX}/tributary/activate`) {
      req.resume();
      const activation = await this.#handlers.activate();
      if (res.destroyed) return;
      return reply(res, { status: 200, body: { ...activation } });
    }
    if (req.method !== 'POST')
      return reply(res, { status: 404, body: { errorMessage: 'Not found', errorType: 'NotFound' } });

    const m = INVOCATION.exec(path);
    const isInitError = path === `${PREFIX}/init/error`;
    if (!m && !isInitError)
      return reply(res, { status: 404, body: { errorMessage: 'Not found', errorType: 'NotFound' } });
    const body = await readLimited(req, MAX_RESPONSE_BYTES);
    if (isInitError) return reply(res, this.#handlers.initError(body ?? Buffer.alloc(0), req.headers));
    const requestId = decodeURIComponent(m![1]!);
    if (body === undefined) {
      this.#handlers.responseTooLarge(requestId);
      return reply(res, {
        status: 413,
        body: {
          errorMessage: `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
          errorType: 'RequestEntityTooLarge',
        },
      });
    }
    const out =
      m![2] === 'response'
        ? this.#handlers.response(requestId, body, req.headers)
        : this.#handlers.error(requestId, body, req.headers);
    reply(res, out instanceof Promise ? await out : out);
  }
}

function reply(res: http.ServerResponse, r: RuntimeReply): void {
  const json = JSON.stringify(r.body);
  res.writeHead(r.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

/**
 * The body, or undefined when it is larger than `limit` (the rest is drained so the connection stays usable).
 * Plain 'data'/'end' listeners: an async iterator over the request costs several promises per invocation.
 */
function readLimited(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (b: Buffer) => {
      size += b.length;
      if (size <= limit) chunks.push(b);
    });
    req.on('end', () => {
      if (size > limit) resolve(undefined);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.on('error', reject);
    // A runtime that goes away mid-body never ends the request.
    req.on('close', () => {
      if (!req.complete) reject(new Error('runtime connection closed before the body ended'));
    });
  });
}
