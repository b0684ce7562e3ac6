// Tributary's runtime client for the nodejs* runtimes. Plain JavaScript (no build step, no dependencies) so
// worker processes start with a bare `node`: it speaks the Lambda Runtime API to AWS_LAMBDA_RUNTIME_API like
// AWS's own Node.js runtime does, loads the handler named by _HANDLER from LAMBDA_TASK_ROOT (ESM or CommonJS),
// and serves one invocation at a time until the server kills the process.
import net from 'node:net';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

const API_VERSION = '/2018-06-01/runtime';
const api = process.env.AWS_LAMBDA_RUNTIME_API ?? '';
const colon = api.lastIndexOf(':');
const apiHost = api.slice(0, colon);
const apiPort = Number(api.slice(colon + 1));
/** The request being served, for log lines and for errors raised outside the handler's promise. */
let currentRequestId;

/**
 * A minimal HTTP/1.1 client connection to the Runtime API: one kept-alive socket; requests may be pipelined
 * (sent before the previous response arrived) and their responses come back in order.
 * node:http costs about 0.3 ms of CPU per request on a small machine, mostly in its stream and agent layers; an
 * invocation makes two requests, and a busy mapping makes thousands a second.
 */
class RuntimeConnection {
  #socket = undefined;
  /** Requests waiting for their responses, oldest first: { resolve, reject }. */
  #pending = [];
  #buffer = Buffer.alloc(0);
  /** The response head once parsed: { status, headers, length, chunked }. */
  #head = undefined;

  request(method, urlPath, headers, body) {
    const [wire, response] = this.#queue(method, urlPath, headers, body);
    const socket = this.#connect();
    socket.ref();
    socket.write(wire);
    return response;
  }

  /**
   * Sends several requests in one write, without waiting between them: the result of an invocation and the
   * poll for the next one cost the runtime and the server one wake-up each instead of two.
   */
  pipeline(requests) {
    const queued = requests.map(([method, urlPath, headers, body]) =>
      this.#queue(method, urlPath, headers, body),
    );
    const socket = this.#connect();
    socket.ref();
    socket.write(queued.length === 1 ? queued[0][0] : Buffer.concat(queued.map(([wire]) => wire)));
    return queued.map(([, response]) => response);
  }

  #queue(method, urlPath, headers, body) {
    const payload = body === undefined ? undefined : Buffer.from(body);
    let head = `${method} ${urlPath} HTTP/1.1\r\nhost: ${api}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    if (payload !== undefined) head += `content-length: ${payload.length}\r\n`;
    head += '\r\n';
    const wire =
      payload === undefined
        ? Buffer.from(head, 'latin1')
        : Buffer.concat([Buffer.from(head, 'latin1'), payload]);
    const response = new Promise((resolve, reject) => this.#pending.push({ resolve, reject }));
    return [wire, response];
  }

  #connect() {
    if (this.#socket !== undefined) return this.#socket;
    const socket = net.connect({ host: apiHost, port: apiPort, noDelay: true });
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

  #failPending(err) {
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending) p.reject(err);
  }

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

/** Status and headers (names lower-cased, repeats joined with ", " as node:http does) of a response head. */
function parseHead(text) {
  const lines = text.split('\r\n');
  const status = Number(lines[0].split(' ', 3)[1]);
  const headers = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
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

function takeLength(buf, length) {
  if (buf.length < length) return undefined;
  return { data: buf.subarray(0, length), consumed: length };
}

/** A complete chunked body at the start of `buf` (chunk extensions and trailers skipped), or undefined. */
function takeChunked(buf) {
  const parts = [];
  let pos = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', pos);
    if (eol < 0) return undefined;
    const size = parseInt(buf.toString('latin1', pos, eol).split(';', 1)[0], 16);
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

/** One connection is kept for the next request. */
const idle = [];

/**
 * Requests are sequential in the invocation loop, but an error report may start while a long poll for the next
 * invocation is pending (a user's timer throwing between invocations): that report gets a connection of its own
 * rather than queueing behind the poll.
 */
async function request(method, urlPath, headers = {}, body) {
  const [response] = await pipelined([[method, urlPath, headers, body]]);
  return response;
}

/** Requests sent together on one connection; resolves with their responses once all have arrived. */
async function pipelined(requests) {
  const conn = idle.pop() ?? new RuntimeConnection();
  try {
    return await Promise.all(conn.pipeline(requests));
  } finally {
    if (idle.length === 0) idle.push(conn);
    else conn.close();
  }
}

// ---- console: AWS's text log format, `ISO-time \t request-id \t LEVEL \t message` ----------------------------
function patchConsole() {
  const write = (level) =>
    function (...args) {
      process.stdout.write(
        `${new Date().toISOString()}\t${currentRequestId}\t${level}\t${format(...args)}\n`,
      );
    };
  console.log = write('INFO');
  console.info = write('INFO');
  console.debug = write('DEBUG');
  console.warn = write('WARN');
  console.error = write('ERROR');
  console.trace = write('TRACE');
  console.fatal = write('FATAL');
}

// ---- errors: the shape AWS's Node.js runtime reports -----------------------------------------------------------
function toErrorBody(err, typeOverride) {
  if (err instanceof Error) {
    return {
      errorType: typeOverride ?? err.name ?? 'Error',
      errorMessage: err.message,
      trace: typeof err.stack === 'string' ? err.stack.split('\n') : [],
    };
  }
  let message;
  try {
    message = typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err));
  } catch {
    message = String(err);
  }
  return { errorType: typeOverride ?? typeof err, errorMessage: message, trace: [] };
}

/** Extra facts the server shows in REPORT lines (peak RSS in KB). */
function statsHeaders() {
  return { 'tributary-max-rss-kb': String(process.resourceUsage().maxRSS) };
}

async function postError(urlPath, body) {
  const json = JSON.stringify(body);
  await request(
    'POST',
    urlPath,
    {
      'content-type': 'application/json',
      'lambda-runtime-function-error-type': body.errorType,
      ...statsHeaders(),
    },
    json,
  );
}

// ---- handler loading -------------------------------------------------------------------------------------------
class InitError extends Error {
  constructor(type, message, cause) {
    super(message);
    this.errorType = type;
    this.cause = cause;
  }
}

async function loadHandler() {
  const spec = process.env._HANDLER ?? '';
  const taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const slash = spec.lastIndexOf('/');
  const dir = spec.slice(0, slash + 1);
  const rest = spec.slice(slash + 1);
  const dot = rest.indexOf('.');
  if (dot <= 0 || dot === rest.length - 1 || spec.includes('..'))
    throw new InitError('Runtime.MalformedHandlerName', 'Bad handler');
  const moduleName = dir + rest.slice(0, dot);
  const handlerPath = rest.slice(dot + 1);
  const base = path.resolve(taskRoot, moduleName);
  // AWS's search order: .js, .mjs, .cjs beside the task root, then a package resolvable from it.
  let file = ['.js', '.mjs', '.cjs'].map((ext) => base + ext).find((f) => existsSync(f));
  if (file === undefined) {
    try {
      file = createRequire(path.join(taskRoot, 'noop.js')).resolve(moduleName);
    } catch {
      const e = new Error(`Cannot find module '${moduleName}'\nRequire stack:\n- ${process.argv[1]}`);
      e.code = 'MODULE_NOT_FOUND';
      throw new InitError('Runtime.ImportModuleError', `Error: ${e.message}`, e);
    }
  }
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    if (err instanceof SyntaxError)
      throw new InitError('Runtime.UserCodeSyntaxError', `${err.name}: ${err.message}`, err);
    if (err && (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND')) {
      throw new InitError('Runtime.ImportModuleError', `Error: ${err.message}`, err);
    }
    throw err;
  }
  // A CommonJS module's exports may only be reachable through `default` when the lexer cannot see them.
  let fn = resolvePath(mod, handlerPath) ?? resolvePath(mod.default, handlerPath);
  if (typeof fn !== 'function') {
    throw new InitError(
      'Runtime.HandlerNotFound',
      `${moduleName}.${handlerPath} is undefined or not exported`,
    );
  }
  return fn;
}

function resolvePath(obj, dotted) {
  let cur = obj;
  for (const key of dotted.split('.')) {
    if (cur === null || cur === undefined) return undefined;
    cur = cur[key];
  }
  return cur;
}

// ---- spares ----------------------------------------------------------------------------------------------------
/**
 * A spare runtime was started before any function needed it (Node.js itself and this module are loaded).
 * It waits here until the server gives it a function: then it takes that function's environment and task
 * root as its own and carries on like a worker spawned for it.
 */
async function activateIfSpare() {
  if (process.env.TRIBUTARY_SPARE !== '1') return;
  const res = await request('GET', `${API_VERSION}/tributary/activate`);
  if (res.status !== 200) throw new Error(`runtime API answered ${res.status} to activate`);
  const { env, cwd } = JSON.parse(res.body.toString('utf8'));
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, env);
  process.chdir(cwd);
}

// ---- invocation --------------------------------------------------------------------------------------------------
function makeContext(headers, finish) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  const clientContext = headers['lambda-runtime-client-context'];
  const identity = headers['lambda-runtime-cognito-identity'];
  const parse = (s) => {
    try {
      return s ? JSON.parse(s) : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: parse(identity),
    clientContext: parse(clientContext),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // Legacy completion methods some older handlers still call.
    succeed: (result) => finish(undefined, result, true),
    fail: (err) => finish(err ?? 'handled', undefined, true),
    done: (err, result) => finish(err, result, true),
  };
}

/**
 * Runs the handler: async handlers settle through their promise; callback-style ones through the callback,
 * after which, like AWS, the response waits for the event loop to drain unless
 * `context.callbackWaitsForEmptyEventLoop` was set to false.
 */
function runHandler(handler, event, headers) {
  return new Promise((resolve, reject) => {
    let settled = false;
    let context;
    const finish = (err, result, viaCallback) => {
      if (settled) return;
      settled = true;
      const settle = () => (err !== undefined && err !== null ? reject(err) : resolve(result));
      if (viaCallback && context.callbackWaitsForEmptyEventLoop) process.once('beforeExit', settle);
      else settle();
    };
    context = makeContext(headers, finish);
    let returned;
    try {
      returned = handler(event, context, (err, result) => finish(err, result, true));
    } catch (err) {
      finish(err, undefined, false);
      return;
    }
    if (returned && typeof returned.then === 'function') {
      returned.then(
        (r) => finish(undefined, r, false),
        (e) => finish(e ?? new Error('Handler rejected with ' + String(e)), undefined, false),
      );
    } else if (handler.length < 3) {
      // A synchronous handler without a callback parameter: its return value is the result.
      finish(undefined, returned, false);
    }
  });
}

/** An error outside the handler's promise (a throwing timer, an unhandled rejection): report it, then exit. */
let dying = false;
async function fatal(label, body) {
  // Once: reporting may itself fail (a write to a closed stdout raises again), and each report must not start
  // another.
  if (dying) return;
  dying = true;
  console.error(`${label} \t${JSON.stringify(body)}`);
  try {
    if (currentRequestId !== undefined)
      await postError(`${API_VERSION}/invocation/${currentRequestId}/error`, body);
    else await postError(`${API_VERSION}/init/error`, body);
  } finally {
    process.exit(129);
  }
}

async function main() {
  // The server reads stdout and stderr for the function's log; when they fail (EPIPE: the server died, even by
  // kill -9) nobody is left to serve. Unhandled, the write error would raise uncaughtException, whose report
  // writes to stdout again and fails synchronously again: a loop that starves the event loop and spins a core.
  for (const out of [process.stdout, process.stderr]) out.on('error', () => process.exit(1));
  patchConsole();
  process.on('uncaughtException', (err) => void fatal('Uncaught Exception', toErrorBody(err)));
  process.on('unhandledRejection', (reason) => {
    const detail = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
    const body = {
      errorType: 'Runtime.UnhandledPromiseRejection',
      errorMessage: detail,
      trace: toErrorBody(reason).trace,
    };
    void fatal('Unhandled Promise Rejection', body);
  });

  await activateIfSpare();
  let handler;
  try {
    handler = await loadHandler();
  } catch (err) {
    const body =
      err instanceof InitError
        ? { errorType: err.errorType, errorMessage: err.message, trace: toErrorBody(err.cause ?? err).trace }
        : toErrorBody(err);
    console.error(`Uncaught Exception \t${JSON.stringify(body)}`);
    await postError(`${API_VERSION}/init/error`, body).catch(() => undefined);
    process.exit(1);
  }

  const poll = ['GET', `${API_VERSION}/invocation/next`, {}, undefined];
  let next = await request(...poll);
  for (;;) {
    if (next.status !== 200) throw new Error(`runtime API answered ${next.status} to invocation/next`);
    const requestId = String(next.headers['lambda-runtime-aws-request-id']);
    currentRequestId = requestId;
    const trace = next.headers['lambda-runtime-trace-id'];
    if (trace) process.env._X_AMZN_TRACE_ID = String(trace);
    let json;
    try {
      const raw = next.body.length === 0 ? 'null' : next.body.toString('utf8');
      const event = JSON.parse(raw);
      const result = await runHandler(handler, event, next.headers);
      json = (result === undefined ? 'null' : JSON.stringify(result)) ?? 'null';
    } catch (err) {
      const body = toErrorBody(err);
      console.error(`Invoke Error \t${JSON.stringify(body)}`);
      await postError(`${API_VERSION}/invocation/${requestId}/error`, body);
      next = await request(...poll);
      continue;
    }
    // Outside the try: failing to post is the Runtime API going away, not the function failing (main() exits).
    // The poll for the next invocation goes out with the result: the server answers them in order.
    [, next] = await pipelined([
      [
        'POST',
        `${API_VERSION}/invocation/${requestId}/response`,
        { 'content-type': 'application/json', ...statsHeaders() },
        json,
      ],
      poll,
    ]);
  }
}

main().catch((err) => {
  // The runtime API went away (the server stopped or killed us): nothing left to serve.
  process.stderr.write(`tributary node runtime: ${err && err.message ? err.message : String(err)}\n`);
  process.exit(1);
});
