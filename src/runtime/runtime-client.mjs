// @ts-check
// The Lambda Runtime API client of Tributary's Node.js bootstrap (node-bootstrap.mjs): plain JavaScript without
// dependencies, like the bootstrap, so worker processes start with a bare `node`. It speaks HTTP/1.1 itself:
// node:http costs about 0.3 ms of CPU per request on a small machine, mostly in its stream and agent layers; an
// invocation makes two requests, and a busy mapping makes thousands a second.
import net from 'node:net';

/**
 * A response: status, headers (names lower-cased, repeats joined with ", " as node:http does) and the whole body.
 * @typedef {{ status: number, headers: Record<string, string>, body: Buffer }} ApiResponse
 */
/**
 * A request: method, path, headers and an optional body (sent with a Content-Length).
 * @typedef {[method: string, urlPath: string, headers: Record<string, string>, body: string | undefined]} ApiRequest
 */
/** @typedef {{ status: number, headers: Record<string, string>, length: number, chunked: boolean }} ResponseHead */
/** @typedef {{ authority: string, host: string, port: number, prefix: string }} Endpoint */

/**
 * A minimal HTTP/1.1 client connection to the Runtime API: one kept-alive socket; requests may be pipelined
 * (sent before the previous response arrived) and their responses come back in order.
 */
class RuntimeConnection {
  /** @type {Endpoint} */
  #endpoint;
  /** @type {import('node:net').Socket | undefined} */
  #socket = undefined;
  /**
   * Requests waiting for their responses, oldest first.
   * @type {Array<{ resolve: (r: ApiResponse) => void, reject: (err: unknown) => void }>}
   */
  #pending = [];
  /** @type {Buffer} */
  #buffer = Buffer.alloc(0);
  /**
   * The response head once parsed.
   * @type {ResponseHead | undefined}
   */
  #head = undefined;

  /** @param {Endpoint} endpoint */
  constructor(endpoint) {
    this.#endpoint = endpoint;
  }

  /**
   * Sends several requests in one write, without waiting between them: the result of an invocation and the
   * poll for the next one cost the runtime and the server one wake-up each instead of two.
   * @param {ApiRequest[]} requests
   * @returns {Promise<ApiResponse>[]}
   */
  pipeline(requests) {
    const queued = requests.map(([method, urlPath, headers, body]) =>
      this.#queue(method, urlPath, headers, body),
    );
    const socket = this.#connect();
    socket.ref();
    const first = queued[0];
    socket.write(
      queued.length === 1 && first !== undefined ? first[0] : Buffer.concat(queued.map(([wire]) => wire)),
    );
    return queued.map(([, response]) => response);
  }

  /**
   * @param {string} method
   * @param {string} urlPath
   * @param {Record<string, string>} headers
   * @param {string | undefined} body
   * @returns {[Buffer, Promise<ApiResponse>]}
   */
  #queue(method, urlPath, headers, body) {
    const payload = body === undefined ? undefined : Buffer.from(body);
    let head = `${method} ${this.#endpoint.prefix}${urlPath} HTTP/1.1\r\nhost: ${this.#endpoint.authority}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    if (payload !== undefined) head += `content-length: ${payload.length}\r\n`;
    head += '\r\n';
    const wire =
      payload === undefined
        ? Buffer.from(head, 'latin1')
        : Buffer.concat([Buffer.from(head, 'latin1'), payload]);
    /** @type {Promise<ApiResponse>} */
    const response = new Promise((resolve, reject) => this.#pending.push({ resolve, reject }));
    return [wire, response];
  }

  #connect() {
    if (this.#socket !== undefined) return this.#socket;
    const { host, port } = this.#endpoint;
    const socket = net.connect({ host, port, noDelay: true });
    this.#socket = socket;
    this.#buffer = Buffer.alloc(0);
    this.#head = undefined;
    socket.on('data', (chunk) => {
      try {
        this.#onData(chunk);
      } catch (err) {
        gone(err); // a response we cannot parse: this connection is unusable
      }
    });
    /** @param {unknown} err */
    const gone = (err) => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      socket.destroy();
      this.#failPending(err ?? new Error('runtime API connection closed'));
    };
    socket.on('error', gone);
    socket.on('close', () => gone(undefined));
    return socket;
  }

  /** @param {unknown} err */
  #failPending(err) {
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending) p.reject(err);
  }

  /** @param {Buffer} chunk */
  #onData(chunk) {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      if (this.#head === undefined) {
        const end = this.#buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        this.#head = parseHead(this.#buffer.toString('latin1', 0, end));
        this.#buffer = this.#buffer.subarray(end + 4);
      }
      const body = this.#head.chunked
        ? takeChunked(this.#buffer)
        : takeLength(this.#buffer, this.#head.length);
      if (body === undefined) return;
      this.#buffer = this.#buffer.subarray(body.consumed);
      const { status, headers } = this.#head;
      this.#head = undefined;
      const p = this.#pending.shift();
      if (headers.connection === 'close') {
        const socket = this.#socket;
        this.#socket = undefined;
        socket?.destroy();
        // Requests sent after this one will get no answer on this connection.
        this.#failPending(new Error('runtime API closed the connection'));
      }
      // Idle, the connection must not keep the event loop alive: a callback handler's response waits for
      // the loop to drain ('beforeExit'), as node:http's kept-alive sockets allow.
      if (this.#pending.length === 0) this.#socket?.unref();
      p?.resolve({ status, headers, body: body.data });
      if (this.#buffer.length === 0) return;
    }
  }

  close() {
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.destroy();
    this.#failPending(new Error('runtime API connection closed'));
  }
}

/**
 * Status and headers of a response head.
 * @param {string} text
 * @returns {ResponseHead}
 */
function parseHead(text) {
  const lines = text.split('\r\n');
  const status = Number((lines[0] ?? '').split(' ', 3)[1]);
  /** @type {Record<string, string>} */
  const headers = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const chunked = /\bchunked\b/i.test(headers['transfer-encoding'] ?? '');
  const length = Number(headers['content-length'] ?? 0);
  if (!chunked && !(length >= 0)) throw new Error('runtime API sent a response without a valid length');
  // Bodies are decoded as UTF-8 by the callers; a response body is never a stream here.
  return { status, headers, length, chunked };
}

/** @typedef {{ data: Buffer, consumed: number }} Taken */

/**
 * @param {Buffer} buf
 * @param {number} length
 * @returns {Taken | undefined}
 */
function takeLength(buf, length) {
  if (buf.length < length) return undefined;
  return { data: buf.subarray(0, length), consumed: length };
}

/**
 * A complete chunked body at the start of `buf` (chunk extensions and trailers skipped), or undefined.
 * @param {Buffer} buf
 * @returns {Taken | undefined}
 */
function takeChunked(buf) {
  /** @type {Buffer[]} */
  const parts = [];
  let pos = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', pos);
    if (eol < 0) return undefined;
    const size = parseInt(buf.toString('latin1', pos, eol).split(';', 1)[0] ?? '', 16);
    if (!(size >= 0)) throw new Error('runtime API sent a bad chunk size');
    pos = eol + 2;
    if (size === 0) {
      // Trailers end with an empty line.
      for (;;) {
        const end = buf.indexOf('\r\n', pos);
        if (end < 0) return undefined;
        const empty = end === pos;
        pos = end + 2;
        if (empty) return { data: Buffer.concat(parts), consumed: pos };
      }
    }
    if (buf.length < pos + size + 2) return undefined;
    parts.push(buf.subarray(pos, pos + size));
    pos += size + 2;
  }
}

/**
 * The client for the Runtime API at `address`, as AWS_LAMBDA_RUNTIME_API gives it: `host:port`, or
 * `host:port/prefix` (Tributary's workers: the prefix is the worker's token), read the way clients that write
 * `http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/...` read it.
 * @param {string} address
 */
export function runtimeClient(address) {
  const slash = address.indexOf('/');
  const authority = slash < 0 ? address : address.slice(0, slash);
  const prefix = slash < 0 ? '' : address.slice(slash);
  const colon = authority.lastIndexOf(':');
  const endpoint = {
    authority,
    host: authority.slice(0, colon),
    port: Number(authority.slice(colon + 1)),
    prefix,
  };
  /**
   * One connection is kept for the next request.
   * @type {RuntimeConnection[]}
   */
  const idle = [];

  /**
   * Requests sent together on one connection; resolves with their responses once all have arrived.
   * @template {ApiRequest[]} T
   * @param {[...T]} requests
   * @returns {Promise<{ [K in keyof T]: ApiResponse }>}
   */
  async function pipelined(requests) {
    const conn = idle.pop() ?? new RuntimeConnection(endpoint);
    try {
      return /** @type {{ [K in keyof T]: ApiResponse }} */ (await Promise.all(conn.pipeline(requests)));
    } finally {
      if (idle.length === 0) idle.push(conn);
      else conn.close();
    }
  }

  /**
   * Requests are sequential in the invocation loop, but an error report may start while a long poll for the
   * next invocation is pending (a user's timer throwing between invocations): that report gets a connection of
   * its own rather than queueing behind the poll.
   * @param {string} method
   * @param {string} urlPath
   * @param {Record<string, string>} [headers]
   * @param {string} [body]
   * @returns {Promise<ApiResponse>}
   */
  async function request(method, urlPath, headers = {}, body) {
    const [response] = await pipelined([[method, urlPath, headers, body]]);
    return response;
  }

  return { request, pipelined };
}
