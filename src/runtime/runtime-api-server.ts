import type { IncomingHttpHeaders } from 'node:http';
import { once } from 'node:events';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { serveRuntimeConnection, type RuntimeRequest, type RuntimeResponse } from './runtime-http.js';
import { MAX_RESPONSE_BYTES, type InvocationRequest } from './invocation.js';

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
    headers: IncomingHttpHeaders,
  ): RuntimeReply | Promise<RuntimeReply>;
  error(requestId: string, body: Buffer, headers: IncomingHttpHeaders): RuntimeReply | Promise<RuntimeReply>;
  initError(body: Buffer, headers: IncomingHttpHeaders): RuntimeReply;
  /** A response body above the payload limit (the invocation fails with Function.ResponseSizeTooLarge). */
  responseTooLarge(requestId: string): void;
  /** Tributary's own call from a spare Node.js or Python runtime: resolves with the function it now serves. */
  activate(): Promise<Activation>;
}

/** What a spare runtime becomes: the process environment and working directory of a function's worker. */
export interface Activation {
  env: Record<string, string>;
  cwd: string;
}

/** What `GET .../invocation/next` hands the runtime for `req`, which must finish by `deadlineMs` (epoch ms). */
export function nextInvocation(req: InvocationRequest, deadlineMs: number): NextInvocation {
  const headers: Record<string, string> = {
    'lambda-runtime-aws-request-id': req.requestId,
    'lambda-runtime-deadline-ms': String(deadlineMs),
    'lambda-runtime-invoked-function-arn': req.invokedFunctionArn,
    'lambda-runtime-trace-id': req.traceId,
  };
  if (req.clientContext !== undefined) headers['lambda-runtime-client-context'] = req.clientContext;
  return { headers, body: req.payload };
}

/** The answer to a result, an error or an init error the Runtime API took. */
export const ACCEPTED: RuntimeReply = { status: 202, body: { status: 'OK' } };

/** The answer to a result or an error for an invocation the runtime is not serving. */
export const INVALID_REQUEST_ID: RuntimeReply = {
  status: 400,
  body: { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' },
};

/** The answer to an init error from a runtime that has already served an invocation. */
export const INVALID_STATE_TRANSITION: RuntimeReply = {
  status: 403,
  body: {
    errorMessage: 'Transition from Invoke to InitError is not allowed',
    errorType: 'InvalidStateTransition',
  },
};

/** The error type of a posted error: the header the runtime set, else the errorType of its JSON document. */
export function postedErrorType(body: Buffer, headers: IncomingHttpHeaders): string | undefined {
  const h = headers['lambda-runtime-function-error-type'];
  if (typeof h === 'string' && h !== '') return h;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errorType?: unknown };
    if (typeof parsed.errorType === 'string') return parsed.errorType;
  } catch {
    // Not JSON: the runtime posted free text; AWS still reports an unhandled function error.
  }
  return undefined;
}

/** Peak RSS our Node.js bootstrap reports with each result or error (a header of ours), MB. */
export function reportedMaxRssMb(headers: IncomingHttpHeaders): number | undefined {
  const kb = Number(headers['tributary-max-rss-kb']);
  return Number.isFinite(kb) && kb > 0 ? Math.ceil(kb / 1024) : undefined;
}

/** The invocation's error when the runtime's response is over the limit (the runtime is told 413). */
export function responseTooLargeError(): Buffer {
  return Buffer.from(
    JSON.stringify({
      errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
      errorType: 'Function.ResponseSizeTooLarge',
    }),
  );
}

const PREFIX = '/2018-06-01/runtime';
const INVOCATION = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;

/** The answer to a request without this worker's token: nothing about the worker or its invocations. */
const FORBIDDEN: RuntimeReply = {
  status: 403,
  body: { errorMessage: 'Missing or wrong Runtime API token', errorType: 'AccessDenied' },
};

/**
 * The Lambda Runtime API for ONE worker process, on a loopback port of its own, behind a secret of its own.
 *
 * Why a port per worker: official runtime clients read only host:port from AWS_LAMBDA_RUNTIME_API, so the
 * listener a request arrives on is how the server knows which process is asking, without trusting anything the
 * runtime sends. Why a token as well: any local process can list the loopback ports (/proc/net/tcp) and connect
 * to one, so a port alone would let one function's worker (or another user on the machine) take another's
 * invocations or answer them. AWS_LAMBDA_RUNTIME_API is therefore `127.0.0.1:PORT/TOKEN` and every request's
 * path must start with `/TOKEN`; anything else gets 403 and nothing more. Runtime clients build their URLs as
 * `http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/...` (the AWS runtime docs' bootstrap examples, curl
 * scripts, and aws-lambda-cpp, which the Node.js and Python runtime interface clients use for next, response
 * and error), so the token rides along; our own bootstraps do the same. Clients that split the variable into
 * host and port lose the token and get 403 (the RICs' init-error call does that). The token stops strangers;
 * it is not a wall between processes of the same user, which can read each other's environment (/proc).
 *
 * HTTP/1.1 is served by runtime-http.ts; a connection's requests are handled one after the other, so a runtime
 * may pipeline its result and its poll for the next invocation (ours does) and the poll is only seen once the
 * result is taken.
 */
export class RuntimeApiServer implements AsyncDisposable {
  readonly #server: net.Server;
  readonly #handlers: RuntimeApiHandlers;
  readonly #sockets = new Set<net.Socket>();
  /** 128 random bits, hex: a path segment no client needs to encode. */
  readonly #token = randomBytes(16).toString('hex');
  readonly #prefix = Buffer.from(`/${this.#token}/`);
  #address: string | undefined;

  constructor(handlers: RuntimeApiHandlers) {
    this.#handlers = handlers;
    this.#server = net.createServer((socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      serveRuntimeConnection(socket, (req) => this.#serve(req), MAX_RESPONSE_BYTES);
    });
  }

  /** Binds to an ephemeral loopback port; returns `host:port/token` for AWS_LAMBDA_RUNTIME_API. */
  async listen(): Promise<string> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    const a = this.#server.address() as AddressInfo;
    this.#address = `127.0.0.1:${a.port}/${this.#token}`;
    return this.#address;
  }

  /** AWS_LAMBDA_RUNTIME_API of this worker (`host:port/token`), once listening. */
  get address(): string | undefined {
    return this.#address;
  }

  async close(): Promise<void> {
    if (!this.#server.listening) return;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** The request's path after the token, or undefined when the token is missing or wrong. */
  #authorizedPath(url: string): string | undefined {
    const prefix = this.#prefix;
    const sent = Buffer.from(url.slice(0, prefix.length), 'latin1');
    // Constant time: how much of the token a guess got right must not show in the answer's timing.
    if (sent.length !== prefix.length || !timingSafeEqual(sent, prefix)) return undefined;
    return url.slice(prefix.length - 1).split('?', 1)[0]!;
  }

  async #serve(req: RuntimeRequest): Promise<RuntimeResponse | undefined> {
    const path = this.#authorizedPath(req.url);
    if (path === undefined) return json(FORBIDDEN);
    if (req.method === 'GET' && path === `${PREFIX}/invocation/next`) {
      const inv = await this.#handlers.next();
      return {
        status: 200,
        headers: { ...inv.headers, 'content-type': 'application/json' },
        body: inv.body,
      };
    }
    if (req.method === 'GET' && path === `${PREFIX}/tributary/activate`) {
      const activation = await this.#handlers.activate();
      return json({ status: 200, body: { ...activation } });
    }
    if (req.method !== 'POST')
      return json({ status: 404, body: { errorMessage: 'Not found', errorType: 'NotFound' } });

    const m = INVOCATION.exec(path);
    const isInitError = path === `${PREFIX}/init/error`;
    if (!m && !isInitError)
      return json({ status: 404, body: { errorMessage: 'Not found', errorType: 'NotFound' } });
    const body = req.body;
    if (isInitError) return json(this.#handlers.initError(body ?? Buffer.alloc(0), req.headers));
    let requestId: string;
    try {
      requestId = decodeURIComponent(m![1]!);
    } catch {
      return json({ status: 404, body: { errorMessage: 'Not found', errorType: 'NotFound' } });
    }
    if (body === undefined) {
      this.#handlers.responseTooLarge(requestId);
      return json({
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
    return json(out instanceof Promise ? await out : out);
  }
}

function json(r: RuntimeReply): RuntimeResponse {
  return { status: r.status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(r.body) };
}
