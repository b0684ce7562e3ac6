import { on } from 'node:events';
import { operation, type Call } from '../../server/operations.js';
import { integer, required, string, structure } from '../../server/shapes.js';
import { FUNCTION_NAME } from '../function-names.js';
import { ResourceNotFound } from '../lambda-errors.js';
import type { LambdaContext, LambdaReply } from '../lambda-context.js';

/**
 * Tributary's own endpoint behind `tributary logs FUNCTION [--follow]`:
 * GET /_tributary/lambda/functions/{name}/logs?lines=N&follow=true — text/plain, the last N lines
 * (default 100), then with `follow` every new line until the client disconnects.
 */
export const getFunctionLogs = operation({
  input: structure({
    FunctionName: required(string({ pattern: FUNCTION_NAME, location: 'uri' })),
    lines: integer({ min: 0, max: 100000, location: 'querystring' }),
    follow: string({ location: 'querystring' }),
  }),
  run: (c: LambdaContext, input, call) =>
    logs(c, input.FunctionName, input.lines ?? 100, input.follow === 'true' || input.follow === '1', call),
});

async function logs(
  c: LambdaContext,
  name: string,
  lines: number,
  follow: boolean,
  call: Call,
): Promise<LambdaReply> {
  const headers = { 'content-type': 'text/plain; charset=utf-8', 'x-amzn-requestid': call.requestId };
  const known = c.functions.get(name) !== undefined;
  const signal = call.signal;
  // Subscribe before reading the file so no line falls between the tail and the follow.
  const live = follow ? on(c.logs, 'line', { signal }) : undefined;
  const tail = await c.logs.tail(name, lines);
  if (tail === undefined && !known) {
    if (live) void live.return?.();
    throw ResourceNotFound(`Function not found: ${c.functions.arn(name)}`);
  }
  const head = (tail ?? []).map((l) => l + '\n').join('');
  if (!live) return { status: 200, headers, raw: Buffer.from(head) };
  return { status: 200, headers, stream: followStream(head, live, name) };
}

async function* followStream(
  head: string,
  live: AsyncIterableIterator<unknown>,
  name: string,
): AsyncGenerator<Uint8Array> {
  if (head.length > 0) yield Buffer.from(head);
  try {
    for await (const args of live) {
      const [e] = args as [{ functionName: string; line: string }];
      if (e.functionName === name) yield Buffer.from(e.line + '\n');
    }
  } catch {
    // Aborted: the client went away.
  }
}
