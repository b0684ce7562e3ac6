import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EventEmitter } from 'node:events';
import type { KinesisEvents } from '../kinesis/kinesis-events.js';
import type { LambdaEvents } from '../lambda/lambda-events.js';
import type { MappingEvents } from '../mappings/engine/events.js';
import type { RequestAuth } from '../server/auth/authenticator.js';
import type { ApiRequest, ApiResponse, Service } from '../server/http-types.js';

export const EVENTS_PATH = '/_tributary/events';

/** The components whose events the console follows. */
export interface ConsoleEventSources {
  kinesis: KinesisEvents;
  mappings: EventEmitter<MappingEvents>;
  lambda: EventEmitter<LambdaEvents>;
}

/**
 * The event types the console is sent, each with the key events are coalesced by: of several events with one key
 * between two writes only the last is sent, so a busy stream costs a client one message per turn, not one per put.
 */
type Outgoing = { type: string; key: string; data: unknown };

/** Subscribes `push` to every source; answers the unsubscribe. */
function follow(s: ConsoleEventSources, push: (o: Outgoing) => void): () => void {
  const offs: Array<() => void> = [];
  // Each source's events are typed by its own map; here they are only listened to, by name.
  const on = <T>(emitter: unknown, name: string, f: (e: T) => Outgoing): void => {
    const l = (e: T): void => push(f(e));
    (emitter as EventEmitter).on(name, l);
    offs.push(() => (emitter as EventEmitter).off(name, l));
  };
  on(s.kinesis, 'append', (e: { stream: string; shardId: string }) => ({
    type: 'stream',
    key: `a:${e.stream}:${e.shardId}`,
    data: { stream: e.stream, shardId: e.shardId },
  }));
  on(s.kinesis, 'status', (e: { stream: string; status: string }) => ({
    type: 'stream',
    key: `s:${e.stream}`,
    data: e,
  }));
  on(s.kinesis, 'deleted', (e: { stream: string }) => ({
    type: 'stream',
    key: `s:${e.stream}`,
    data: { stream: e.stream, status: 'DELETED' },
  }));
  on(s.kinesis, 'reshard', (e: { stream: string }) => ({ type: 'shards', key: `r:${e.stream}`, data: e }));
  on(s.mappings, 'batch', (e: MappingEvents['batch'][0]) => ({
    type: 'batch',
    key: `b:${e.uuid}:${e.shardId}`,
    data: e,
  }));
  on(s.mappings, 'lag', (e: MappingEvents['lag'][0]) => ({
    type: 'lag',
    key: `l:${e.uuid}`,
    data: { uuid: e.uuid, recordsBehind: e.recordsBehind, iteratorAgeMs: e.iteratorAgeMs },
  }));
  on(s.mappings, 'state', (e: MappingEvents['state'][0]) => ({
    type: 'mapping',
    key: `m:${e.uuid}`,
    data: e,
  }));
  on(s.mappings, 'discard', (e: MappingEvents['discard'][0]) => ({
    type: 'discard',
    key: `d:${e.uuid}:${e.shardId}:${e.firstSequenceNumber}`,
    data: e,
  }));
  on(s.lambda, 'invokeEnd', (e: LambdaEvents['invokeEnd'][0]) => ({
    type: 'invocation',
    key: `i:${e.functionName}`,
    data: { functionName: e.functionName, requestId: e.requestId, status: e.status },
  }));
  for (const name of ['functionCreated', 'functionUpdated', 'functionDeleted', 'stateChanged'] as const) {
    on(s.lambda, name, (e: { functionName: string }) => ({
      type: 'function',
      key: `f:${e.functionName}`,
      data: { functionName: e.functionName, change: name },
    }));
  }
  return () => offs.forEach((off) => off());
}

/**
 * GET /_tributary/events: server-sent events for the console's live pages (`stream`, `shards`, `batch`, `lag`,
 * `mapping`, `discard`, `invocation`, `function`; data is JSON). It ends when the client goes away or the server
 * stops (the request's signal), and, when the server checks signatures, before sending anything once the
 * credentials it was opened with no longer sign (`isCurrent`: a console session that expired or was ended): the
 * browser's reconnect is then refused with ExpiredTokenException, and the stream sends nothing after the session.
 */
export function consoleEvents(
  sources: ConsoleEventSources,
  isCurrent?: (auth: RequestAuth) => boolean,
): Service {
  return {
    name: 'console-events',
    matches: (req) => req.method === 'GET' && req.path === EVENTS_PATH,
    async handle(req): Promise<ApiResponse> {
      return {
        status: 200,
        headers: {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          'x-accel-buffering': 'no',
        },
        stream: eventStream(sources, req, isCurrent),
      };
    },
  };
}

async function* eventStream(
  sources: ConsoleEventSources,
  req: ApiRequest,
  isCurrent: ((auth: RequestAuth) => boolean) | undefined,
): AsyncGenerator<Uint8Array> {
  const { signal, auth } = req;
  const signed = (): boolean => auth === undefined || isCurrent === undefined || isCurrent(auth);
  let pending = new Map<string, Outgoing>();
  let wake: (() => void) | undefined;
  const stop = follow(sources, (o) => {
    pending.delete(o.key); // re-inserted last: messages keep the order of their latest event
    pending.set(o.key, o);
    wake?.();
  });
  const onAbort = (): void => wake?.();
  signal.addEventListener('abort', onAbort);
  try {
    // A comment first, so the client's EventSource opens at once; then a retry hint for reconnects.
    yield Buffer.from(': tributary\nretry: 1000\n\n');
    while (!signal.aborted) {
      if (pending.size === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      if (signal.aborted) break;
      // Let the events of this turn arrive, and coalesce, before writing.
      await nextTurn();
      if (!signed()) break;
      const batch = pending;
      pending = new Map();
      let text = '';
      for (const o of batch.values()) text += `event: ${o.type}\ndata: ${JSON.stringify(o.data)}\n\n`;
      if (text !== '') yield Buffer.from(text);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    stop();
  }
}
