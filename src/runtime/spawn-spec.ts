import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionSpec } from './invocation.js';
import type { RuntimeFamily } from './runtime-hosts.js';

/** Runtimes whose processes run our Node.js bootstrap. */
export const NODE_RUNTIMES = ['nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'nodejs24.x'] as const;
/** Runtimes whose processes run our Python bootstrap (python-bootstrap.py). */
export const PYTHON_RUNTIMES = ['python3.9', 'python3.10', 'python3.11', 'python3.12', 'python3.13'] as const;
/** OS-only runtimes: the zip's own `bootstrap` executable is the runtime. */
export const PROVIDED_RUNTIMES = ['provided.al2023', 'provided.al2'] as const;
export const SUPPORTED_RUNTIMES: readonly string[] = [
  ...NODE_RUNTIMES,
  ...PYTHON_RUNTIMES,
  ...PROVIDED_RUNTIMES,
];

export function isNodeRuntime(runtime: string): boolean {
  return (NODE_RUNTIMES as readonly string[]).includes(runtime);
}

export function runtimeFamily(runtime: string): RuntimeFamily {
  if (isNodeRuntime(runtime)) return 'node';
  return (PYTHON_RUNTIMES as readonly string[]).includes(runtime) ? 'python' : 'provided';
}

/** Every runtime label with its family, for RuntimeHosts. */
export const RUNTIME_FAMILIES = SUPPORTED_RUNTIMES.map((runtime) => ({
  runtime,
  family: runtimeFamily(runtime),
}));

/**
 * node-bootstrap.mjs, beside this file: plain JavaScript in src/runtime, and emitted beside the compiled
 * spawn-spec.js by `npm run build` (allowJs), with runtime-client.mjs which it imports by relative path.
 */
export const NODE_BOOTSTRAP = fileURLToPath(new URL('./node-bootstrap.mjs', import.meta.url));
/** python-bootstrap.py, beside this file (copied beside the compiled one by scripts/build.mjs). */
export const PYTHON_BOOTSTRAP = fileURLToPath(new URL('./python-bootstrap.py', import.meta.url));
/**
 * -u: unbuffered output, so lines reach the log in order with the platform's; -s: no user site-packages (the
 * function sees its zip, its layers and the interpreter's own packages, as in Lambda).
 */
const PYTHON_ARGS = ['-u', '-s', PYTHON_BOOTSTRAP];

/** Variables AWS sets itself and refuses in Environment.Variables (InvalidParameterValueException). */
export const RESERVED_ENV_KEYS: readonly string[] = [
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
];

export interface SpawnContext {
  region: string;
  /** `host:port/token` of this worker's Runtime API listener (runtime-api-server.ts says why the token). */
  runtimeApi: string;
  /** The server's own endpoint, given to functions as AWS_ENDPOINT_URL so their SDK calls come back here. */
  endpointUrl: string;
  logStreamName: string;
  nodePath: string;
}

export interface SpawnPlan {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

/** V8's old-space limit for a function's MemorySize: most of it, leaving room for code, stacks and buffers. */
export function heapLimitMb(memorySize: number): number {
  return Math.max(32, Math.floor(memorySize * 0.9));
}

/**
 * The command and a clean environment for one worker: the standard Lambda variables plus the function's own
 * Environment — never the server's environment (a function sees only what Lambda would give it, plus PATH).
 */
export function spawnPlan(spec: FunctionSpec, ctx: SpawnContext): SpawnPlan {
  const family = runtimeFamily(spec.runtime);
  const runtimeDir = family === 'provided' ? spec.codeDir : dirname(NODE_BOOTSTRAP);
  const env: Record<string, string> = {
    ...layerPaths(spec, family),
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    // Credentials and endpoint so an SDK inside the function talks to this server (override in Environment).
    AWS_ENDPOINT_URL: ctx.endpointUrl,
    ...spec.environment,
    AWS_ACCESS_KEY_ID: spec.credentials?.accessKeyId ?? 'test',
    AWS_SECRET_ACCESS_KEY: spec.credentials?.secretAccessKey ?? 'test',
    AWS_SESSION_TOKEN: spec.credentials?.sessionToken ?? 'test',
    AWS_REGION: ctx.region,
    AWS_DEFAULT_REGION: ctx.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: spec.version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySize),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: ctx.logStreamName,
    AWS_LAMBDA_RUNTIME_API: ctx.runtimeApi,
    LAMBDA_TASK_ROOT: spec.codeDir,
    LAMBDA_RUNTIME_DIR: runtimeDir,
    _HANDLER: spec.handler,
  };
  if (family === 'node') {
    return {
      command: spec.interpreter ?? ctx.nodePath,
      args: [`--max-old-space-size=${heapLimitMb(spec.memorySize)}`, NODE_BOOTSTRAP],
      env,
      cwd: spec.codeDir,
    };
  }
  if (family === 'python') {
    return {
      command: spec.interpreter ?? 'python3',
      args: PYTHON_ARGS,
      env,
      cwd: spec.codeDir,
    };
  }
  return { command: join(spec.codeDir, 'bootstrap'), args: [], env, cwd: spec.codeDir };
}

/**
 * PATH, LD_LIBRARY_PATH and the language's module path as Lambda sets them, with the function's `/opt` (its
 * layers, merged: `spec.optDir`) where Lambda has `/opt`: `bin`, `lib`, `nodejs/node_modules`,
 * `nodejs/nodeNN/node_modules`, `python`, `python/lib/pythonX.Y/site-packages`.
 */
function layerPaths(spec: FunctionSpec, family: RuntimeFamily): Record<string, string> {
  const opt = spec.optDir;
  const path = process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin';
  const env: Record<string, string> = {
    PATH: opt === undefined ? path : `${path}:${join(opt, 'bin')}`,
    LD_LIBRARY_PATH: [
      spec.codeDir,
      join(spec.codeDir, 'lib'),
      ...(opt === undefined ? [] : [join(opt, 'lib')]),
    ].join(':'),
  };
  if (opt === undefined) return env;
  if (family === 'node') {
    const major = /^nodejs(\d+)\.x$/.exec(spec.runtime)?.[1] ?? '';
    env['NODE_PATH'] =
      `${join(opt, 'nodejs', `node${major}`, 'node_modules')}:${join(opt, 'nodejs', 'node_modules')}`;
  } else if (family === 'python') {
    env['PYTHONPATH'] = `${join(opt, 'python', 'lib', spec.runtime, 'site-packages')}:${join(opt, 'python')}`;
  }
  return env;
}

/**
 * Variables a Node.js or Python process reads while it starts (options, locale, libuv, OpenSSL, the
 * interpreter's own): a function that sets one of them needs a process started with it, so it never adopts a
 * pre-started spare.
 */
const STARTUP_ENV = /^(NODE_|UV_|LC_|LANG$|LANGUAGE$|OPENSSL_|SSL_CERT_|PYTHON)/;

/**
 * What a spare is started as: for a MemorySize (Node.js's heap limit), our Node.js bootstrap on the default
 * Node.js, or our Python bootstrap on `python` (an interpreter RuntimeHosts found).
 */
export interface SpareKind {
  memorySize: number;
  python?: string | undefined;
}

export function spareKindOf(spec: FunctionSpec): SpareKind {
  return runtimeFamily(spec.runtime) === 'python'
    ? { memorySize: spec.memorySize, python: spec.interpreter }
    : { memorySize: spec.memorySize };
}

export function spareKey(k: SpareKind): string {
  return `${k.python ?? 'node'}@${k.memorySize}`;
}

/** Whether a function can run in a pre-started spare runtime (same binary and limits). */
export function canUseSpare(spec: FunctionSpec): boolean {
  if (Object.keys(spec.environment).some((k) => STARTUP_ENV.test(k))) return false;
  if (needsLibraryPath(spec)) return false;
  // Our Python bootstrap applies PYTHONPATH (layers) itself once activated.
  if (runtimeFamily(spec.runtime) === 'python') return spec.interpreter !== undefined;
  // A spare runs the default Node.js; layers set NODE_PATH, which Node.js reads only while it starts.
  return isNodeRuntime(spec.runtime) && spec.interpreter === undefined && spec.optDir === undefined;
}

/**
 * The dynamic loader reads LD_LIBRARY_PATH once, when a process starts, and a spare started without the
 * function's: a function with shared libraries where Lambda's LD_LIBRARY_PATH points (`lib` in its zip or its
 * layers, `lib*.so*` at the zip's root) needs a process started with it, or a `ctypes.CDLL("libx.so")` or a
 * native module linked to them would not find them.
 */
function needsLibraryPath(spec: FunctionSpec): boolean {
  // A code directory gone (the function deleted meanwhile): a new process reports that failure itself.
  if (!existsSync(spec.codeDir) || existsSync(join(spec.codeDir, 'lib'))) return true;
  if (spec.optDir !== undefined && existsSync(join(spec.optDir, 'lib'))) return true;
  return readdirSync(spec.codeDir).some((f) => SHARED_LIBRARY.test(f));
}

const SHARED_LIBRARY = /^lib.*\.so(\.\d+)*$/;

/**
 * A spare: our Node.js (or Python) bootstrap started ahead of need with only the heap limit decided. It waits
 * on its Runtime API for an activation carrying a function's environment and task root, then continues exactly
 * as a worker spawned for that function (see node-bootstrap.mjs, python-bootstrap.py).
 */
export function spareSpawnPlan(
  kind: SpareKind,
  ctx: { runtimeApi: string; nodePath: string; cwd: string },
): SpawnPlan {
  return {
    command: kind.python ?? ctx.nodePath,
    args:
      kind.python !== undefined
        ? PYTHON_ARGS
        : [`--max-old-space-size=${heapLimitMb(kind.memorySize)}`, NODE_BOOTSTRAP],
    env: {
      PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      AWS_LAMBDA_RUNTIME_API: ctx.runtimeApi,
      TRIBUTARY_SPARE: '1',
    },
    cwd: ctx.cwd,
  };
}
