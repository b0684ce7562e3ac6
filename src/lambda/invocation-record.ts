import type { InvocationResult } from '../runtime/invocation.js';

/** How an Event invocation left the queue. */
export type AsyncOutcome = 'success' | 'failed' | 'expired' | 'deleted';

/** What the record needs of the queued event. */
export interface RecordedEvent {
  requestId: string;
  /** Base64 payload. */
  payload: string;
  attempts: number;
}

const CONDITION: Record<Exclude<AsyncOutcome, 'deleted'>, string> = {
  success: 'Success',
  failed: 'RetriesExhausted',
  expired: 'EventAgeExceeded',
};

/**
 * The invocation record Lambda sends to an asynchronous invocation's destination (AWS doc "Capturing records
 * of Lambda asynchronous invocations"): the request, how it ended, and the function's response if it ran.
 */
export function invocationRecord(
  ev: RecordedEvent,
  functionArn: string,
  outcome: AsyncOutcome,
  result: InvocationResult | undefined,
  executedVersion: string,
): string {
  const record: Record<string, unknown> = {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: ev.requestId,
      functionArn: /:function:[^:]+$/.test(functionArn) ? `${functionArn}:$LATEST` : functionArn,
      condition: CONDITION[outcome === 'deleted' ? 'failed' : outcome],
      approximateInvokeCount: ev.attempts,
    },
    requestPayload: parseOrText(Buffer.from(ev.payload, 'base64').toString('utf8')),
  };
  if (result) {
    const response: Record<string, unknown> = { statusCode: 200, executedVersion };
    if (result.status !== 'success') response['functionError'] = 'Unhandled';
    record['responseContext'] = response;
    record['responsePayload'] = parseOrText(result.payload.toString('utf8'));
  }
  return JSON.stringify(record);
}

/** Payloads are JSON (Invoke refuses anything else), but an empty one is `null` and a response may be any text. */
function parseOrText(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
