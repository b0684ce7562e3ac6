import { on } from 'node:events';
import { Validator } from '../../server/validator.js';
import { FUNCTION_NAME } from '../function-names.js';
import { ResourceNotFound } from '../lambda-errors.js';
import type { LambdaContext, LambdaReply, LambdaRequest } from '../lambda-context.js';

/**
 * Tributary's own endpoint behind `tributary logs FUNCTION [--follow]`:
 * GET /_tributary/lambda/functions/{name}/logs?lines=N&follow=true — text/plain, the last N lines
 * (default 100), then with `follow` every new line until the client disconnects.
 */
export async function getFunctionLogs(c: LambdaContext, req: LambdaRequest): Promise<LambdaReply> {
  const q = req.api.query;
  const v = new Validator({});
  const name = v.string('FunctionName', { required: true, pattern: FUNCTION_NAME, value: req.functionName });
  const linesRaw = q.get('lines');
  const lines =
    linesRaw === null ? 100 : v.integer('lines', { min: 0, max: 100000, value: Number(linesRaw) });
  v.check();
  const follow = q.get('follow') === 'true' || q.get('follow') === '1';
  const headers = { 'content-type': 'text/plain; charset=utf-8', 'x-amzn-requestid': req.requestId };
  const known = c.functions.get(name!) !== undefined;
  const signal = req.api.signal;
  // Subscribe before reading the file so no line falls between the tail and the follow.
  const live = follow ? on(c.logs, 'line', { signal }) : undefined;
  const tail = await c.logs.tail(name!, lines ?? 100);
  if (tail === undefined && !known) {
    if (live) void live.return?.();
    throw ResourceNotFound(`Function not found: ${c.functions.arn(name!)}`);
  }
  const head = (tail ?? []).map((l) => l + '\n').join('');
  if (!live) return { status: 200, headers, raw: Buffer.from(head) };
  return { status: 200, headers, stream: followStream(head, live, name!) };
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
