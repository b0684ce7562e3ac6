import { strict as assert } from 'node:assert';
import { after, before } from 'node:test';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startApp, type App, type StartOptions } from '../../src/app/app.js';

export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
export const region = 'us-east-1';

/** Starts the real server on an ephemeral port; in memory unless a dataDir is given. */
export async function startTestServer(opts: StartOptions = {}): Promise<App> {
  return startApp({
    port: 0,
    inMemory: opts.dataDir === undefined,
    transitionDelayMs: 0,
    logLevel: 'silent',
    ...opts,
  });
}

export function tempDir(prefix = 'tributary-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Which HTTP transport a client uses: the SDK's default (HTTP/2 for Kinesis) or HTTP/1.1. */
export type Transport = 'h2' | 'h1';
export const transports: Transport[] = ['h2', 'h1'];

/** Keys an SDK client signs with: the test's, an account's root pair, an IAM user's or an STS session's. */
export type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/**
 * What every SDK client of a test server (or of a `tributary up` process) is given: its endpoint, the test region
 * and credentials unless `more` names others (and the SDK's retries unless `more.maxAttempts`), and for 'h1' an
 * explicit HTTP/1.1 handler (any other transport keeps the SDK's default handler).
 */
export function clientConfig(
  app: { endpoint: string },
  transport = 'default',
  more: { credentials?: Credentials; region?: string; maxAttempts?: number } = {},
) {
  return {
    endpoint: app.endpoint,
    region: more.region ?? region,
    credentials: more.credentials ?? credentials,
    ...(more.maxAttempts === undefined ? {} : { maxAttempts: more.maxAttempts }),
    ...(transport === 'h1' ? { requestHandler: new NodeHttpHandler() } : {}),
  };
}

export function kinesisClient(app: App, transport: Transport = 'h2'): KinesisClient {
  return new KinesisClient(clientConfig(app, transport));
}

/** Polls `check` until it returns a truthy value (for state that has no event), failing after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const exec = promisify(execFile);

/** The environment the AWS CLI and boto3 run in: test credentials and region, no pager, no metadata lookups. */
export function cliEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: region,
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** Runs the AWS CLI against the server; returns parsed JSON output (or raw text). */
export async function awsCli(app: App, args: string[]): Promise<{ stdout: string; json: unknown }> {
  const { stdout } = await exec('aws', ['--endpoint-url', app.endpoint, '--output', 'json', ...args], {
    env: cliEnv(),
    maxBuffer: 64 * 1024 * 1024,
  });
  let json: unknown;
  try {
    json = stdout.trim() === '' ? undefined : JSON.parse(stdout);
  } catch {
    json = undefined;
  }
  return { stdout, json };
}

/**
 * `aws lambda create-function` as the README's tutorial writes it: a Node.js handler `index.handler` (or the
 * given runtime and handler) from a zip file, with an optional `--environment Variables={...}` string.
 */
export async function createFunctionWithCli(
  app: App,
  opts: { name: string; zip: string; role: string; variables?: string; runtime?: string; handler?: string },
): Promise<{ stdout: string; json: unknown }> {
  return awsCli(app, [
    'lambda',
    'create-function',
    '--function-name',
    opts.name,
    '--zip-file',
    `fileb://${opts.zip}`,
    '--handler',
    opts.handler ?? 'index.handler',
    '--runtime',
    opts.runtime ?? 'nodejs20.x',
    '--role',
    opts.role,
    ...(opts.variables === undefined ? [] : ['--environment', `Variables={${opts.variables}}`]),
  ]);
}

let cliMajor: number | undefined;

/** Major version of the installed AWS CLI (v1 sends blob arguments as given; v2 expects base64 unless told). */
export async function awsCliMajor(): Promise<number> {
  if (cliMajor === undefined) {
    const { stdout, stderr } = await exec('aws', ['--version']);
    cliMajor = Number(/aws-cli\/(\d+)/.exec(stdout + stderr)?.[1] ?? 1);
  }
  return cliMajor;
}

/** Arguments that make `--data` / `--payload` raw text on both CLI majors (v2: --cli-binary-format raw-in-base64-out). */
export async function rawBlobArgs(): Promise<string[]> {
  return (await awsCliMajor()) >= 2 ? ['--cli-binary-format', 'raw-in-base64-out'] : [];
}

/**
 * Resolves with the arguments of the first `name` event of `emitter` that `accept` takes, or rejects after
 * `timeoutMs`. One listener throughout: components emit events in bursts (one state after another, one metric
 * after another), and `await once(...)` in a loop misses an event emitted in the same tick as the one before.
 */
export function eventMatching<A extends unknown[]>(
  emitter: EventEmitter,
  name: string,
  accept: (...args: A) => boolean,
  timeoutMs = 20_000,
): Promise<A> {
  return new Promise((resolve, reject) => {
    const listener = (...args: A): void => {
      if (!accept(...args)) return;
      done();
      resolve(args);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no matching ${name} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      emitter.off(name, listener as (...args: unknown[]) => void);
    };
    emitter.on(name, listener as (...args: unknown[]) => void);
  });
}

/** An error an AWS SDK call rejects with. */
export type AwsSdkError = Error & { $metadata: { httpStatusCode?: number } };

/**
 * Resolves with the AWS error `p` rejects with, after checking its name, its message (a string: equal to it; a
 * RegExp: matching it) and its HTTP status, each when given; fails when `p` resolves.
 */
export async function rejectsWith(
  p: Promise<unknown>,
  name: string,
  message?: string | RegExp,
  status?: number,
): Promise<AwsSdkError> {
  try {
    await p;
  } catch (e) {
    const err = e as AwsSdkError;
    assert.equal(err.name, name, `expected ${name}, got ${err.name}: ${err.message}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    if (status !== undefined) assert.equal(err.$metadata?.httpStatusCode, status);
    return err;
  }
  assert.fail(`expected ${name}`);
}

/**
 * For a test that cannot run on this machine (a missing tool): skipped with the reason on a developer's machine,
 * but on CI (CI=true) it fails loudly, since CI must run every test. For `it(..., { skip: skipReason(...) })`.
 */
export function skipReason(reason: string | false): string | false {
  if (reason !== false && process.env['CI']) throw new Error(`a test cannot run on CI: ${reason}`);
  return reason;
}

/** The same inside a running test: `return cannotRun(t, 'why')`. */
export function cannotRun(t: { skip(message?: string): void }, reason: string): void {
  if (process.env['CI']) throw new Error(`a test cannot run on CI: ${reason}`);
  t.skip(reason);
}

/** What a suite's clients have in common: they are destroyed when the suite's server stops. */
export interface Destroyable {
  destroy(): void;
}

/**
 * The one suite setup: starts a server for the enclosing suite (`before`) with the clients `clients` makes for it,
 * hands both to `use` (the suite's tests read them from the variables it sets; it may also create what every test
 * of the suite reads), and after the suite destroys the clients and stops the server. `withKinesisServer`,
 * `withLambdaServer` and `withMappingServer` are this with their clients.
 */
export function withTestServer<C extends Record<string, Destroyable>>(
  opts: StartOptions,
  clients: (app: App) => C,
  use: (app: App, clients: C) => unknown,
): void {
  let app: App | undefined;
  let made: C | undefined;
  before(async () => {
    app = await startTestServer(opts);
    made = clients(app);
    await use(app, made);
  });
  after(async () => {
    for (const c of Object.values(made ?? {})) c.destroy();
    await app?.close();
  });
}

/**
 * `withTestServer` for one test: a server and the clients `clients` makes for it, used as `await using s = await
 * testServer(opts, ...)`; leaving the scope destroys the clients and stops the server. For a test that needs a
 * server of its own (its own options, a restart, a count of workers that other tests would disturb).
 */
export async function testServer<C extends Record<string, Destroyable>>(
  opts: StartOptions,
  clients: (app: App) => C,
): Promise<{ app: App } & C & AsyncDisposable> {
  const app = await startTestServer(opts);
  const made = clients(app);
  return {
    app,
    ...made,
    async [Symbol.asyncDispose]() {
      for (const c of Object.values(made)) c.destroy();
      await app.close();
    },
  };
}

/** `withTestServer` for a suite that makes its own clients (or speaks HTTP, the CLI or boto3). */
export function withServer(use: (app: App) => unknown, opts: StartOptions = {}): void {
  withTestServer(opts, () => ({}), use);
}

/**
 * Starts a server and a Kinesis client over `transport` for the enclosing suite and stops them after it; `use`
 * receives them once they run (the suite's tests read them from the variables it sets).
 */
export function withKinesisServer(
  transport: Transport,
  use: (app: App, k: KinesisClient) => void,
  opts: StartOptions = {},
): void {
  withTestServer(
    opts,
    (app) => ({ k: kinesisClient(app, transport) }),
    (app, { k }) => use(app, k),
  );
}
