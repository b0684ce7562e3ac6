import { operation } from '../../server/operations.js';
import { boolean, integer, list, string, structure } from '../../server/shapes.js';
import { InvalidParameter, invalidNextToken } from '../errors.js';
import { eventsFrom } from '../event-reader.js';
import { compileFilterPattern } from '../filter-pattern.js';
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

interface Found {
  stream: string;
  id: string;
  index: number;
  timestamp: number;
  ingestionTime: number;
  message: string;
}

/** Where a page ended: events after this (timestamp, stream, index) come next. */
interface Resume {
  t: number;
  s: string;
  i: number;
}

/**
 * FilterLogEvents: the events of a group's streams (all, `logStreamNames`, or `logStreamNamePrefix`) with
 * `startTime <= timestamp < endTime` that match `filterPattern`, interleaved: ordered by timestamp across the
 * streams (then stream name, then position), `limit` (1-10000, default 10000) and 1 MB a page, `nextToken` while
 * more match. `aws logs tail` pages through this (and `--follow` asks again from the last timestamp it saw).
 * A stream's events are taken in the order they were stored, which is their timestamps' order for function logs.
 */
export const filterLogEvents = operation({
  input: structure({
    logGroupName: LOG_GROUP_NAME,
    logGroupIdentifier: LOG_GROUP_IDENTIFIER,
    logStreamNames: list(LOG_STREAM_NAME, { min: 1, max: 100 }),
    logStreamNamePrefix: LOG_STREAM_NAME,
    startTime: EPOCH_MS,
    endTime: EPOCH_MS,
    filterPattern: string({ max: 1024 }),
    nextToken: NEXT_TOKEN,
    limit: integer({ min: 1, max: 10000 }),
    interleaved: boolean(),
    unmask: boolean(),
  }),
  async run(ctx: LogsContext, input) {
    const { logStreamNames: names, logStreamNamePrefix: prefix, startTime, endTime } = input;
    if (names !== undefined && prefix !== undefined)
      throw InvalidParameter('You cannot specify both logStreamNames and logStreamNamePrefix.');
    const match = compileFilterPattern(input.filterPattern);
    const resume = input.nextToken === undefined ? undefined : parseResume(input.nextToken);
    const groupName = groupNameOf(input);
    await ctx.flush();
    const group = ctx.store.mustGroup(groupName);
    const streams = ctx.store
      .streams(group)
      .filter(
        (s) =>
          (names === undefined || names.includes(s.rec.name)) &&
          (prefix === undefined || s.rec.name.startsWith(prefix)),
      );
    const limit = input.limit ?? 10000;
    const found: Found[] = [];
    for (const s of streams) {
      const name = s.rec.name;
      let n = 0;
      // Each stream gives at most limit + 1 (the page and whether there is more).
      const from = Math.max(startTime ?? -Infinity, resume?.t ?? -Infinity);
      for (const e of eventsFrom(ctx.store, s, s.firstIndex, from)) {
        if (startTime !== undefined && e.timestamp < startTime) continue;
        if (endTime !== undefined && e.timestamp >= endTime) continue;
        if (resume && compare(e.timestamp, name, e.index, resume) <= 0) continue;
        if (!match(e.message)) continue;
        found.push({ stream: name, id: s.rec.log, ...e });
        if (++n > limit) break;
      }
    }
    found.sort((a, b) =>
      compare(a.timestamp, a.stream, a.index, { t: b.timestamp, s: b.stream, i: b.index }),
    );
    const page: Found[] = [];
    let bytes = 0;
    for (const e of found) {
      const size = eventSize(e.message);
      if (page.length >= limit || (page.length > 0 && bytes + size > MAX_RESPONSE_BYTES)) break;
      page.push(e);
      bytes += size;
    }
    const out: Record<string, unknown> = {
      events: page.map((e) => ({
        logStreamName: e.stream,
        timestamp: e.timestamp,
        message: e.message,
        ingestionTime: e.ingestionTime,
        eventId: eventId(e),
      })),
      // Deprecated by AWS; every stream asked about is searched completely.
      searchedLogStreams: streams.map((s) => ({ logStreamName: s.rec.name, searchedCompletely: true })),
    };
    const last = page[page.length - 1];
    if (last && page.length < found.length)
      out['nextToken'] = Buffer.from(
        JSON.stringify({ t: last.timestamp, s: last.stream, i: last.index }),
      ).toString('base64');
    return out;
  },
});

function compare(t: number, s: string, i: number, r: Resume): number {
  if (t !== r.t) return t - r.t;
  if (s !== r.s) return s < r.s ? -1 : 1;
  return i - r.i;
}

/** A numeric id unique in the group and stable across calls (the CLI's `tail --follow` de-duplicates by it). */
function eventId(e: Found): string {
  return `${BigInt(`0x${e.id.slice(-16)}`)}${String(e.index).padStart(20, '0')}`;
}

function parseResume(token: string): Resume {
  try {
    const r = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Partial<Resume>;
    if (typeof r.t === 'number' && typeof r.s === 'string' && typeof r.i === 'number')
      return { t: r.t, s: r.s, i: r.i };
  } catch {
    // not one of ours: refused below
  }
  throw invalidNextToken();
}
