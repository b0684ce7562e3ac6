import { strict as assert } from 'node:assert';
import {
  CreateFunctionCommand,
  InvokeCommand,
  LambdaClient,
  type CreateFunctionCommandInput,
  type InvokeCommandOutput,
} from '@aws-sdk/client-lambda';
import { NodeHttp2Handler } from '@smithy/node-http-handler';
import yazl from 'yazl';
import type { App, StartOptions } from '../../src/app/app.js';
import type { LambdaEvents } from '../../src/lambda/lambda-events.js';
import type { Gate } from '../harness/gate.js';
import { clientConfig, testServer, withTestServer } from '../harness/helpers.js';
import { hooks } from '../harness/hooks.js';

/**
 * Which HTTP handler a Lambda client uses: the SDK default (HTTP/1.1 for Lambda), an explicit NodeHttpHandler,
 * or cleartext HTTP/2 (NodeHttp2Handler).
 */
export type LambdaTransport = 'default' | 'h1' | 'h2';

/**
 * Starts a server and a Lambda client over `transport` for the enclosing suite and stops them after it; `use`
 * receives them once they run (the suite's tests read them from the variables it sets).
 */
export function withLambdaServer(
  transport: LambdaTransport,
  use: (app: App, c: LambdaClient) => void,
  opts: StartOptions = {},
): void {
  withTestServer(
    opts,
    (app) => ({ c: lambdaClient(app, transport) }),
    (app, { c }) => use(app, c),
  );
}

/** A server and a Lambda client (`c`) for one test: `await using s = await lambdaTestServer(opts)` (testServer). */
export function lambdaTestServer(
  opts: StartOptions = {},
  transport: LambdaTransport = 'default',
  maxAttempts = 1,
): Promise<{ app: App; c: LambdaClient } & AsyncDisposable> {
  return testServer(opts, (app) => ({ c: lambdaClient(app, transport, maxAttempts) }));
}

export function lambdaClient(
  app: App,
  transport: LambdaTransport = 'default',
  maxAttempts = 1,
): LambdaClient {
  return new LambdaClient({
    ...clientConfig(app, transport),
    maxAttempts,
    ...(transport === 'h2' ? { requestHandler: new NodeHttp2Handler() } : {}),
  });
}

export interface ZipEntry {
  /** File content. */
  content: string | Buffer;
  /** Unix permission bits (0o755 for a provided.* bootstrap). @default 0o644 */
  mode?: number;
}

/** Builds a zip in memory with yazl (file name -> content). */
export async function makeZip(files: Record<string, string | Buffer | ZipEntry>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, f] of Object.entries(files)) {
    const entry: ZipEntry = typeof f === 'string' || Buffer.isBuffer(f) ? { content: f } : f;
    const data = typeof entry.content === 'string' ? Buffer.from(entry.content) : entry.content;
    zip.addBuffer(data, name, { mode: 0o100000 | (entry.mode ?? 0o644) });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';

/** Creates a nodejs20.x function whose index.mjs is `source`. */
export async function createNodeFunction(
  client: LambdaClient,
  name: string,
  source: string,
  extra: Partial<CreateFunctionCommandInput> = {},
  file = 'index.mjs',
): Promise<void> {
  await client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: await makeZip({ [file]: source }) },
      ...extra,
    }),
  );
}

/** A handler that waits at the gate (its event's `id` names it there), then returns that id and the gate's answer. */
export const GATED = `export const handler = async (e) => {
  const res = await fetch(process.env.GATE + '/' + encodeURIComponent(e.id));
  return { id: e.id, gate: await res.text() };
};`;

/** Creates a nodejs20.x function running GATED against `gate`. */
export async function createGated(c: LambdaClient, gate: Gate, name: string, timeout = 60): Promise<void> {
  await createNodeFunction(c, name, GATED, {
    Timeout: timeout,
    Environment: { Variables: { GATE: gate.url } },
  });
}

/** The invocation log of an Invoke with `LogType: 'Tail'` (base64 in `LogResult`), as text. */
export function logOf(r: { LogResult?: string }): string {
  return Buffer.from(r.LogResult ?? '', 'base64').toString('utf8');
}

/** A synchronous Invoke of `name` with `payload` as JSON (no payload when undefined), and the log's tail when asked. */
export function invokeFunction(
  c: LambdaClient,
  name: string,
  payload?: unknown,
  tail = false,
): Promise<InvokeCommandOutput> {
  return c.send(
    new InvokeCommand({
      FunctionName: name,
      Payload: payload === undefined ? undefined : Buffer.from(JSON.stringify(payload)),
      LogType: tail ? 'Tail' : undefined,
    }),
  );
}

/** The next workerExit of one function (other functions' workers come and go meanwhile). */
export function workerExitOf(app: App, functionName: string): Promise<LambdaEvents['workerExit'][0]> {
  return new Promise((resolve) => {
    const on = (e: LambdaEvents['workerExit'][0]): void => {
      if (e.functionName !== functionName) return;
      hooks(app).lambdaEvents.off('workerExit', on);
      resolve(e);
    };
    hooks(app).lambdaEvents.on('workerExit', on);
  });
}

export function decode(payload: Uint8Array | undefined): unknown {
  const text = Buffer.from(payload ?? new Uint8Array()).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
}

/** Creates a python3.11 function whose lambda_function.py is `source` (`files` adds more to the zip). */
export async function createPythonFunction(
  client: LambdaClient,
  name: string,
  source: string,
  extra: Partial<CreateFunctionCommandInput> = {},
  files: Record<string, string | Buffer> = {},
): Promise<void> {
  await client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'python3.11',
      Handler: 'lambda_function.lambda_handler',
      Role: ROLE,
      Code: { ZipFile: await makeZip({ 'lambda_function.py': source, ...files }) },
      ...extra,
    }),
  );
}

/** A handler that says which code it is and what Lambda told it about the version it runs. */
export function versionedCode(label: string): string {
  return `export const handler = async (e, ctx) => ({
  code: ${JSON.stringify(label)},
  env: process.env.AWS_LAMBDA_FUNCTION_VERSION,
  fv: ctx.functionVersion,
  arn: ctx.invokedFunctionArn,
});`;
}

/** A handler that answers its event and the GREETING variable. */
export const ECHO = `export const handler = async (event) => ({ echo: event, env: process.env.GREETING ?? null });`;

/** The AWS error a call fails with: its type, HTTP status and message. */
export async function failure(
  p: Promise<unknown>,
): Promise<{ name: string; status?: number; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
  }
  throw new Error('expected the call to fail');
}

export async function invokeJson(
  c: LambdaClient,
  name: string,
  qualifier?: string,
): Promise<{ body: Record<string, unknown>; executed: string | undefined }> {
  const out = await c.send(
    new InvokeCommand({ FunctionName: name, Qualifier: qualifier, Payload: Buffer.from('{}') }),
  );
  assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
  return { body: decode(out.Payload) as Record<string, unknown>, executed: out.ExecutedVersion };
}
