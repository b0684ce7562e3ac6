import { operation } from '../../server/operations.js';
import { boolean, integer, required, structure } from '../../server/shapes.js';
import { invalidNextToken } from '../errors.js';
import { eventsBefore, eventsFrom, type ReadEvent } from '../event-reader.js';
import type { LogsContext } from '../logs-context.js';
import { eventSize } from '../model.js';
import {
  EPOCH_MS,
  groupNameOf,
  LOG_GROUP_IDENTIFIER,
  LOG_GROUP_NAME,
  LOG_STREAM_NAME,
  MAX_RESPONSE_BYTES,
  NEXT_TOKEN,
} from './common.js';

/**
 * GetLogEvents: events of one stream in order, `startTime` inclusive and `endTime` exclusive. Without a token
 * it reads the newest `limit` events (`startFromHead`: the oldest). `nextForwardToken` reads on after the
 * last event returned, `nextBackwardToken` before the first; at either end nothing is returned and the token
 * passed in comes back unchanged, which is how clients know they have caught up (AWS API Reference).
 */
export const getLogEvents = operation({
  input: structure({
    logGroupName: LOG_GROUP_NAME,
    logGroupIdentifier: LOG_GROUP_IDENTIFIER,
    logStreamName: required(LOG_STREAM_NAME),
    startTime: EPOCH_MS,
    endTime: EPOCH_MS,
    nextToken: NEXT_TOKEN,
    limit: integer({ min: 1, max: 10000 }),
    startFromHead: boolean(),
    unmask: boolean(),
  }),
  async run(ctx: LogsContext, input) {
    const token = input.nextToken === undefined ? undefined : parseToken(input.nextToken);
    await ctx.flush();
    const s = ctx.store.mustStream(groupNameOf(input), input.logStreamName);
    const limit = input.limit ?? 10000;
    const { startTime, endTime } = input;
    const inRange = (e: ReadEvent): boolean =>
      (startTime === undefined || e.timestamp >= startTime) &&
      (endTime === undefined || e.timestamp < endTime);
    const forward = token ? token.dir === 'f' : input.startFromHead === true;
    const picked: ReadEvent[] = [];
    let bytes = 0;
    const take = (e: ReadEvent): boolean => {
      if (!inRange(e)) return true;
      const n = eventSize(e.message);
      if (picked.length >= limit || (picked.length > 0 && bytes + n > MAX_RESPONSE_BYTES)) return false;
      picked.push(e);
      bytes += n;
      return true;
    };
    // Where the read starts: the token's place, or the stream's head or tail.
    const at = token ? token.index : forward ? s.firstIndex : s.committed;
    let stopped = at;
    if (forward) {
      for (const e of eventsFrom(ctx.store, s, at)) {
        if (!take(e)) break;
        stopped = e.index + 1;
      }
    } else {
      for (const e of eventsBefore(ctx.store, s, at)) {
        if (!take(e)) break;
        stopped = e.index;
      }
      picked.reverse();
    }
    const first = picked[0];
    const last = picked[picked.length - 1];
    let nextForwardToken: string;
    let nextBackwardToken: string;
    if (forward) {
      nextForwardToken =
        token && picked.length === 0 ? input.nextToken! : formatToken('f', Math.max(stopped, at));
      nextBackwardToken = formatToken('b', first?.index ?? at);
    } else {
      nextBackwardToken =
        token && picked.length === 0 ? input.nextToken! : formatToken('b', Math.min(stopped, at));
      nextForwardToken = formatToken('f', last ? last.index + 1 : at);
    }
    return {
      events: picked.map((e) => ({
        timestamp: e.timestamp,
        message: e.message,
        ingestionTime: e.ingestionTime,
      })),
      nextForwardToken,
      nextBackwardToken,
    };
  },
});

/** `f/<56 digits>/s` and `b/...`, the shape of AWS's tokens: the direction and the index of an event. */
function formatToken(dir: 'f' | 'b', index: number): string {
  return `${dir}/${String(index).padStart(56, '0')}/s`;
}

function parseToken(token: string): { dir: 'f' | 'b'; index: number } {
  const m = /^([fb])\/(\d{56})\/s$/.exec(token);
  const index = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(index)) throw invalidNextToken();
  return { dir: m[1] as 'f' | 'b', index };
}
