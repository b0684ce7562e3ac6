import { isUtf8 } from 'node:buffer';
import { operation } from '../../server/operations.js';
import { blob, string, structure, unchecked, type Infer } from '../../server/shapes.js';
import { MAX_SYNC_PAYLOAD_BYTES } from '../../runtime/invocation.js';
import { MAX_ASYNC_PAYLOAD_BYTES } from '../async-invocations.js';
import { InvalidRequestContent, RequestEntityTooLarge } from '../lambda-errors.js';
import type { LambdaContext, LambdaReply } from '../lambda-context.js';
import { FUNCTION_NAME_PATH, QUALIFIER } from './function-fields.js';

/** AWS's limit on X-Amz-Client-Context (base64 text). */
const MAX_CLIENT_CONTEXT = 3583;

/**
 * Invoke (POST /2015-03-31/functions/{FunctionName}/invocations).
 * RequestResponse: 200 with the function's response; a failed run is still 200, with X-Amz-Function-Error
 * and the error document as payload. Event: queued, 202. DryRun: 204. LogType Tail adds X-Amz-Log-Result.
 */
const INPUT = structure({
  FunctionName: FUNCTION_NAME_PATH,
  Qualifier: QUALIFIER,
  InvocationType: string({
    enum: ['Event', 'RequestResponse', 'DryRun'],
    location: 'header',
    name: 'X-Amz-Invocation-Type',
  }),
  LogType: string({ enum: ['None', 'Tail'], location: 'header', name: 'X-Amz-Log-Type' }),
  ClientContext: string({ location: 'header', name: 'X-Amz-Client-Context' }),
  // Any bytes: checked below (size by invocation type, then JSON).
  Payload: unchecked(blob({ location: 'payload' })),
});

export const invoke = operation({
  input: INPUT,
  run: (c: LambdaContext, input) => invokeFunction(c, input),
});

async function invokeFunction(c: LambdaContext, input: Infer<typeof INPUT>): Promise<LambdaReply> {
  const { FunctionName: name, Qualifier: qualifier, LogType: logType } = input;
  const type = input.InvocationType ?? 'RequestResponse';
  const t = c.functions.require(name, qualifier);
  // An alias with AdditionalVersionWeights picks the version per invocation.
  const { record: r, version } = c.functions.pick(t, c.random);
  const payload = input.Payload as Buffer;
  const limit = type === 'Event' ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES;
  if (payload.length > limit) {
    throw RequestEntityTooLarge(
      type === 'Event'
        ? `${payload.length} byte payload is too large for the Event invocation type (limit ${limit} bytes)`
        : `Request must be smaller than ${limit} bytes for the InvokeFunction operation`,
    );
  }
  const clientContext = decodeClientContext(input.ClientContext);
  if (payload.length > 0) {
    // Bytes that are not UTF-8 would reach the function as U+FFFD: refused, as Lambda does.
    if (!isUtf8(payload))
      throw InvalidRequestContent(
        'Could not parse request body into json: Could not parse payload into json: Invalid UTF-8 in the payload.',
      );
    try {
      JSON.parse(payload.toString('utf8'));
    } catch (err) {
      throw InvalidRequestContent(
        `Could not parse request body into json: Could not parse payload into json: ${(err as Error).message}`,
      );
    }
  }

  if (type === 'DryRun') {
    c.invocations.checkInvocable(r);
    return { status: 204 };
  }
  if (type === 'Event') {
    c.invocations.checkInvocable(r);
    const requestId = await c.asyncInvocations.enqueue(r, payload, clientContext, t.arn, t.qualifier);
    return { status: 202, headers: { 'x-amzn-requestid': requestId } };
  }
  const result = await c.invocations.invokeSync(r, payload, {
    tail: logType === 'Tail',
    clientContext,
    invokedArn: t.arn,
  });
  const headers: Record<string, string> = {
    'x-amzn-requestid': result.requestId,
    'x-amz-executed-version': version,
    'content-type': 'application/json',
  };
  if (result.status !== 'success') headers['x-amz-function-error'] = 'Unhandled';
  if (result.logTail !== undefined) headers['x-amz-log-result'] = result.logTail;
  return { status: 200, headers, raw: result.payload };
}

/** X-Amz-Client-Context: base64 of a JSON object, passed to the runtime decoded. */
function decodeClientContext(b64: string | undefined): string | undefined {
  if (b64 === undefined || b64 === '') return undefined;
  const bad = (): Error =>
    InvalidRequestContent('Client context must be a valid Base64-encoded JSON object.');
  if (b64.length > MAX_CLIENT_CONTEXT)
    throw InvalidRequestContent(`Client context must be at most ${MAX_CLIENT_CONTEXT} bytes.`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw bad();
  const text = Buffer.from(b64, 'base64').toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad();
  } catch {
    throw bad();
  }
  return text;
}
