import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import type { LambdaEvents } from '../../src/lambda/lambda-events.js';
import type { LambdaOptions } from '../../src/lambda/lambda-options.js';
import type { Gate } from '../harness/gate.js';
import { hooks } from '../harness/hooks.js';
import { lambdaTestServer, type LambdaTransport } from './lambda-helpers.js';

/** What the concurrency and machine-limit tests share. */

export const TRANSPORTS: LambdaTransport[] = ['default', 'h1'];

/** A synchronous Invoke with `{"id": id}` as its payload (and the log's tail when asked). */
export function invoke(
  c: LambdaClient,
  name: string,
  id: string,
  tail = false,
): Promise<InvokeCommandOutput> {
  return c.send(
    new InvokeCommand({
      FunctionName: name,
      Payload: Buffer.from(JSON.stringify({ id })),
      LogType: tail ? 'Tail' : undefined,
    }),
  );
}

/** Resolves once `n` invocations of `functionName` (any, when undefined) have been admitted. */
export function admitted(app: App, n: number, functionName?: string): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const on = (e: LambdaEvents['invokeStart'][0]): void => {
      if (functionName !== undefined && e.functionName !== functionName) return;
      if (++seen < n) return;
      hooks(app).lambdaEvents.off('invokeStart', on);
      resolve();
    };
    hooks(app).lambdaEvents.on('invokeStart', on);
  });
}

/**
 * A server with the given Lambda options and a single-attempt Lambda client on it, for one test: `fn` runs with them;
 * then both are closed and the gate holds handlers again, whatever `fn` did.
 */
export async function onTestServer(
  gate: Gate,
  lambda: LambdaOptions | undefined,
  fn: (app: App, c: LambdaClient) => Promise<void>,
  transport: LambdaTransport = 'default',
): Promise<void> {
  try {
    await using server = await lambdaTestServer({ lambda }, transport);
    await fn(server.app, server.c);
  } finally {
    gate.shut();
  }
}

/** `name{function_name="fn"} value` from the server's /metrics. */
export async function metricValue(app: App, name: string, functionName: string): Promise<number | undefined> {
  const text = await app.metrics.metrics();
  const m = new RegExp(`^${name}\\{function_name="${functionName}"\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}
