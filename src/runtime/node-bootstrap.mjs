// @ts-check
// Tributary's runtime client for the nodejs* runtimes. Plain JavaScript (no build step, no dependencies) so
// worker processes start with a bare `node`: it speaks the Lambda Runtime API to AWS_LAMBDA_RUNTIME_API like
// AWS's own Node.js runtime does (over runtime-client.mjs), loads the handler named by _HANDLER from
// LAMBDA_TASK_ROOT (ESM or CommonJS), and serves one invocation at a time until the server kills the process.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { runtimeClient } from './runtime-client.mjs';

/** @typedef {import('./runtime-client.mjs').ApiRequest} ApiRequest */
/** @typedef {{ errorType: string, errorMessage: string, trace: string[] }} ErrorBody */
/**
 * How a handler ends: `(error, result, viaCallback)`.
 * @typedef {(err: unknown, result: unknown, viaCallback: boolean) => void} Finish
 */
/** @typedef {ReturnType<typeof makeContext>} Context */
/** @typedef {(event: unknown, context: Context, callback: (err: unknown, result: unknown) => void) => unknown} Handler */

const API_VERSION = '/2018-06-01/runtime';
const { request, pipelined } = runtimeClient(process.env.AWS_LAMBDA_RUNTIME_API ?? '');
/**
 * The request being served, for log lines and for errors raised outside the handler's promise.
 * @type {string | undefined}
 */
let currentRequestId;

// ---- console: AWS's text log format, `ISO-time \t request-id \t LEVEL \t message` ----------------------------
function patchConsole() {
  /** @param {string} level */
  const write = (level) =>
    /** @param {...unknown} args */
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
  // Not in Node's Console: AWS's runtime adds it.
  /** @type {Console & { fatal?: unknown }} */ (console).fatal = write('FATAL');
}

// ---- errors: the shape AWS's Node.js runtime reports -----------------------------------------------------------
/**
 * @param {unknown} err
 * @param {string} [typeOverride]
 * @returns {ErrorBody}
 */
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

/**
 * @param {string} urlPath
 * @param {ErrorBody} body
 */
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
  /**
   * @param {string} type
   * @param {string} message
   * @param {unknown} [cause]
   */
  constructor(type, message, cause) {
    super(message);
    this.errorType = type;
    this.cause = cause;
  }
}

/** @returns {Promise<Handler>} */
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
      /** @type {NodeJS.ErrnoException} */
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
    const notFound = /** @type {{ code?: unknown, message?: unknown } | null | undefined} */ (err);
    if (notFound && (notFound.code === 'ERR_MODULE_NOT_FOUND' || notFound.code === 'MODULE_NOT_FOUND')) {
      throw new InitError('Runtime.ImportModuleError', `Error: ${notFound.message}`, err);
    }
    throw err;
  }
  // A CommonJS module's exports may only be reachable through `default` when the lexer cannot see them.
  const fn = resolvePath(mod, handlerPath) ?? resolvePath(mod.default, handlerPath);
  if (typeof fn !== 'function') {
    throw new InitError(
      'Runtime.HandlerNotFound',
      `${moduleName}.${handlerPath} is undefined or not exported`,
    );
  }
  return /** @type {Handler} */ (fn);
}

/**
 * @param {unknown} obj
 * @param {string} dotted
 * @returns {unknown}
 */
function resolvePath(obj, dotted) {
  let cur = obj;
  for (const key of dotted.split('.')) {
    if (cur === null || cur === undefined) return undefined;
    cur = /** @type {Record<string, unknown>} */ (cur)[key];
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
/**
 * @param {Record<string, string>} headers
 * @param {Finish} finish
 */
function makeContext(headers, finish) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  const clientContext = headers['lambda-runtime-client-context'];
  const identity = headers['lambda-runtime-cognito-identity'];
  /** @param {string | undefined} s */
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
    succeed: (/** @type {unknown} */ result) => finish(undefined, result, true),
    fail: (/** @type {unknown} */ err) => finish(err ?? 'handled', undefined, true),
    done: (/** @type {unknown} */ err, /** @type {unknown} */ result) => finish(err, result, true),
  };
}

/**
 * Runs the handler: async handlers settle through their promise; callback-style ones through the callback,
 * after which, like AWS, the response waits for the event loop to drain unless
 * `context.callbackWaitsForEmptyEventLoop` was set to false.
 */
/**
 * @param {Handler} handler
 * @param {unknown} event
 * @param {Record<string, string>} headers
 * @returns {Promise<unknown>}
 */
function runHandler(handler, event, headers) {
  return new Promise((resolve, reject) => {
    let settled = false;
    /** @type {Context} */
    let context;
    /** @type {Finish} */
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
    if (isThenable(returned)) {
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

/**
 * What a handler returned is a promise (or promise-like) when it has a `then` method.
 * @param {unknown} v
 * @returns {v is PromiseLike<unknown>}
 */
function isThenable(v) {
  return Boolean(v) && typeof (/** @type {{ then?: unknown }} */ (v).then) === 'function';
}

/** An error outside the handler's promise (a throwing timer, an unhandled rejection): report it, then exit. */
let dying = false;
/**
 * @param {string} label
 * @param {ErrorBody} body
 */
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

  /** @type {ApiRequest} */
  const poll = ['GET', `${API_VERSION}/invocation/next`, {}, undefined];
  let next = await request(...poll);
  for (;;) {
    if (next.status !== 200) throw new Error(`runtime API answered ${next.status} to invocation/next`);
    const requestId = String(next.headers['lambda-runtime-aws-request-id']);
    currentRequestId = requestId;
    const trace = next.headers['lambda-runtime-trace-id'];
    if (trace) process.env._X_AMZN_TRACE_ID = String(trace);
    /** @type {string} */
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
