import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';

/**
 * HTTP/1.1 server side of one Runtime API connection, written for this one job. A runtime makes two requests per
 * invocation; node:http's request and response objects and stream layers cost about twice as much CPU per
 * request as this (bench/RESULTS.md), and a busy mapping makes a thousand invocations a second.
 *
 * What it takes: any HTTP/1.0 or 1.1 request; bodies by Content-Length or chunked (extensions and trailers
 * skipped); `Expect: 100-continue` (curl sends it for bodies over 1 KB); pipelined requests, handled strictly
 * one after the other. What it answers: every response has a Content-Length; `Connection: close` (asked for,
 * or HTTP/1.0 without keep-alive) closes after the answer; a malformed request gets 400 and the connection
 * is closed, as node:http does.
 */
export interface RuntimeRequest {
  method: string;
  /** The request target as sent (path and query). */
  url: string;
  /** Names lower-cased; repeated headers joined with ", " (as node:http does for most). */
  headers: IncomingHttpHeaders;
  /** Undefined when the body was larger than the limit (it was read and dropped). */
  body: Buffer | undefined;
}

export interface RuntimeResponse {
  status: number;
  headers?: Record<string, string>;
  body: Buffer | string;
}

/** Answers one request; may wait (the invocation long poll). Undefined: the connection is dropped, no answer. */
export type RuntimeRequestHandler = (req: RuntimeRequest) => Promise<RuntimeResponse | undefined>;

/** Request heads larger than this are refused (node:http's default --max-http-header-size is 16 KB). */
const MAX_HEAD_BYTES = 64 * 1024;
/** A request head must arrive within this long once it has started (node:http's headersTimeout default). */
const HEAD_TIMEOUT_MS = 60_000;

const REASONS: Record<number, string> = {
  100: 'Continue',
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
};

class BadRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Head {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  keepAlive: boolean;
  /** -1: chunked. */
  length: number;
}

/** Serves one connection until it closes. */
export function serveRuntimeConnection(
  socket: Socket,
  handler: RuntimeRequestHandler,
  bodyLimit: number,
): void {
  socket.setNoDelay(true);
  let buffer: Buffer = Buffer.alloc(0);
  let head: Head | undefined;
  /** Body bytes read so far (kept while within the limit). */
  let parts: Buffer[] = [];
  let bodyBytes = 0;
  /** Chunked decoding state: bytes left in the current chunk, or -1 while reading a size line / trailers. */
  let chunkLeft = -1;
  let inTrailers = false;
  let busy = false;
  let closed = false;
  let headTimer: NodeJS.Timeout | undefined;

  const fail = (status: number, message: string): void => {
    closed = true;
    clearTimeout(headTimer);
    const body = JSON.stringify({ errorMessage: message, errorType: REASONS[status] ?? 'Error' });
    writeResponse(socket, { status, body }, false);
    socket.end();
  };

  const keepBody = (b: Buffer): void => {
    bodyBytes += b.length;
    if (bodyBytes <= bodyLimit) parts.push(b);
  };

  /** Reads as much of the current request as is buffered; true once it is complete. */
  const readBody = (): boolean => {
    const h = head!;
    if (h.length >= 0) {
      const want = h.length - bodyBytes;
      const take = Math.min(want, buffer.length);
      if (take > 0) keepBody(buffer.subarray(0, take));
      buffer = buffer.subarray(take);
      return bodyBytes === h.length;
    }
    for (;;) {
      if (chunkLeft > 0) {
        const take = Math.min(chunkLeft, buffer.length);
        if (take === 0) return false;
        keepBody(buffer.subarray(0, take));
        buffer = buffer.subarray(take);
        chunkLeft -= take;
        if (chunkLeft > 0) return false;
        chunkLeft = -2; // the CRLF after the chunk data
      }
      if (chunkLeft === -2) {
        if (buffer.length < 2) return false;
        if (buffer[0] !== 0x0d || buffer[1] !== 0x0a) throw new BadRequest(400, 'Bad chunk');
        buffer = buffer.subarray(2);
        chunkLeft = -1;
      }
      const eol = buffer.indexOf('\r\n');
      if (eol < 0) {
        if (buffer.length > MAX_HEAD_BYTES) throw new BadRequest(400, 'Bad chunk');
        return false;
      }
      const line = buffer.toString('latin1', 0, eol);
      buffer = buffer.subarray(eol + 2);
      if (inTrailers) {
        if (line === '') return true;
        continue;
      }
      const sizeText = line.split(';', 1)[0]!.trim();
      if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) throw new BadRequest(400, 'Bad chunk size');
      const size = parseInt(sizeText, 16);
      if (size === 0) inTrailers = true;
      else chunkLeft = size;
    }
  };

  const pump = (): void => {
    if (busy || closed) return;
    try {
      for (;;) {
        if (!head) {
          const end = buffer.indexOf('\r\n\r\n');
          if (end < 0) {
            if (buffer.length > MAX_HEAD_BYTES) throw new BadRequest(431, 'Request header fields too large');
            // Stray empty lines between requests are allowed (RFC 9112 2.2).
            while (buffer.length >= 2 && buffer[0] === 0x0d && buffer[1] === 0x0a)
              buffer = buffer.subarray(2);
            if (buffer.length > 0) headTimer ??= setTimeout(() => socket.destroy(), HEAD_TIMEOUT_MS);
            return;
          }
          if (end > MAX_HEAD_BYTES) throw new BadRequest(431, 'Request header fields too large');
          clearTimeout(headTimer);
          headTimer = undefined;
          let start = 0;
          while (buffer[start] === 0x0d && buffer[start + 1] === 0x0a) start += 2;
          head = parseHead(buffer.toString('latin1', start, end));
          buffer = buffer.subarray(end + 4);
          parts = [];
          bodyBytes = 0;
          chunkLeft = -1;
          inTrailers = false;
          const expect = head.headers['expect'];
          if (expect !== undefined && head.length !== 0) {
            if (expect.toLowerCase() !== '100-continue') throw new BadRequest(400, 'Unsupported Expect');
            socket.write('HTTP/1.1 100 Continue\r\n\r\n');
          }
        }
        if (!readBody()) return;
        const h = head;
        head = undefined;
        const body =
          bodyBytes > bodyLimit ? undefined : parts.length === 1 ? parts[0]! : Buffer.concat(parts);
        parts = [];
        busy = true;
        void dispatch(h, body);
        return;
      }
    } catch (err) {
      if (err instanceof BadRequest) fail(err.status, err.message);
      else socket.destroy(err as Error);
    }
  };

  const dispatch = async (h: Head, body: Buffer | undefined): Promise<void> => {
    let res: RuntimeResponse | undefined;
    try {
      res = await handler({ method: h.method, url: h.url, headers: h.headers, body });
    } catch {
      res = undefined;
    }
    if (closed || socket.destroyed) return;
    if (res === undefined) {
      socket.destroy();
      return;
    }
    // A request pipelined behind this one (our runtime's poll behind its result) is often answered within the
    // same turn of the event loop: held until the turn ends, both answers leave in one write and wake the
    // runtime once.
    const coalesce = h.keepAlive && buffer.length > 0;
    if (coalesce) {
      socket.cork();
      setImmediate(() => socket.uncork());
    }
    writeResponse(socket, res, h.keepAlive);
    if (!h.keepAlive) {
      closed = true;
      socket.end();
      return;
    }
    busy = false;
    pump();
  };

  socket.on('data', (chunk: Buffer) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    // While a request is being handled nothing is parsed: a runtime piling up more than a request's worth
    // of bytes meanwhile is not a runtime.
    if (busy && buffer.length > bodyLimit + MAX_HEAD_BYTES) socket.destroy();
    else pump();
  });
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    closed = true;
    clearTimeout(headTimer);
  });
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function parseHead(text: string): Head {
  const lines = text.split('\r\n');
  const requestLine = lines[0]!.split(' ');
  if (requestLine.length !== 3) throw new BadRequest(400, 'Bad request line');
  const [method, url, version] = requestLine as [string, string, string];
  if (!TOKEN.test(method) || url === '' || !/^HTTP\/1\.[01]$/.test(version))
    throw new BadRequest(400, 'Bad request line');
  const headers: IncomingHttpHeaders = {};
  const raw = headers as Record<string, string>;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new BadRequest(400, 'Bad header line');
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) throw new BadRequest(400, 'Bad header name');
    const key = name.toLowerCase();
    const value = line.slice(colon + 1).trim();
    raw[key] = raw[key] === undefined ? value : `${raw[key]}, ${value}`;
  }
  const connection = (raw['connection'] ?? '').toLowerCase();
  const keepAlive =
    version === 'HTTP/1.1' ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
  let length = 0;
  const te = raw['transfer-encoding'];
  if (te !== undefined) {
    // Chunked must be the final coding (RFC 9112 6.3); with it, any Content-Length is ignored.
    if (!/(^|,)\s*chunked\s*$/i.test(te)) throw new BadRequest(400, 'Unsupported Transfer-Encoding');
    length = -1;
  } else if (raw['content-length'] !== undefined) {
    const values = raw['content-length'].split(',').map((v) => v.trim());
    if (!values.every((v) => /^\d{1,15}$/.test(v) && v === values[0]))
      throw new BadRequest(400, 'Bad Content-Length');
    length = Number(values[0]);
  }
  return { method, url, headers, keepAlive, length };
}

/** One write of head and body (corked: a single writev, the body not copied). */
function writeResponse(socket: Socket, res: RuntimeResponse, keepAlive: boolean): void {
  const body = typeof res.body === 'string' ? Buffer.from(res.body) : res.body;
  let head = `HTTP/1.1 ${res.status} ${REASONS[res.status] ?? 'Unknown'}\r\n`;
  if (res.headers) {
    for (const name of Object.keys(res.headers)) {
      const value = res.headers[name]!;
      // Values come from the server itself (request ids, ARNs, trace ids), never from a runtime: still, no
      // line break may reach the wire.
      if (/[\r\n]/.test(value)) continue;
      head += `${name}: ${value}\r\n`;
    }
  }
  head += `content-length: ${body.length}\r\n`;
  if (!keepAlive) head += 'connection: close\r\n';
  head += '\r\n';
  if (body.length === 0) {
    socket.write(head, 'latin1');
    return;
  }
  socket.cork();
  socket.write(head, 'latin1');
  socket.write(body);
  socket.uncork();
}
