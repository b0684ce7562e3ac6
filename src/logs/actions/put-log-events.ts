import { operation } from '../../server/operations.js';
import { integer, list, required, string, structure } from '../../server/shapes.js';
import { InvalidParameter } from '../errors.js';
import type { LogsContext } from '../logs-context.js';
import { eventSize, type LogEvent } from '../model.js';
import { LOG_GROUP_NAME, LOG_STREAM_NAME } from './common.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** PutLogEvents quotas (API Reference): 1,048,576 bytes a batch, events sized as UTF-8 message + 26 bytes. */
const MAX_BATCH_BYTES = 1_048_576;

/**
 * PutLogEvents: a batch of events, in chronological order and spanning at most 24 hours, to an existing stream.
 * Sequence tokens are accepted and ignored (AWS no longer requires them). Events more than 2 hours in the
 * future are rejected (`tooNewLogEventStartIndex`, the first of them), more than 14 days old (`tooOldLogEventEndIndex`,
 * one past the last of them) or older than the group's retention (`expiredLogEventEndIndex`); the rest are stored.
 */
export const putLogEvents = operation({
  input: structure({
    logGroupName: required(LOG_GROUP_NAME),
    logStreamName: required(LOG_STREAM_NAME),
    logEvents: required(
      list(structure({ timestamp: required(integer({ min: 0 })), message: required(string({ min: 1 })) }), {
        min: 1,
        max: 10000,
      }),
    ),
    sequenceToken: string({ min: 1 }),
    entity: structure({}),
  }),
  async run(ctx: LogsContext, input) {
    const events = input.logEvents;
    let bytes = 0;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      bytes += eventSize(e.message);
      if (i > 0 && e.timestamp < events[i - 1]!.timestamp)
        throw InvalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
    }
    if (bytes > MAX_BATCH_BYTES)
      throw InvalidParameter(`Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
    if (events[events.length - 1]!.timestamp - events[0]!.timestamp > DAY_MS)
      throw InvalidParameter(
        'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
      );
    const group = ctx.store.mustGroup(input.logGroupName);
    const stream = ctx.store.mustStream(input.logGroupName, input.logStreamName);

    const now = ctx.clock.now();
    const tooOld = now - 14 * DAY_MS;
    const retention = group.rec.retentionInDays;
    const expired = retention === undefined ? -Infinity : now - retention * DAY_MS;
    let tooOldEnd = 0;
    let expiredEnd = 0;
    let tooNewStart = events.length;
    const kept: LogEvent[] = [];
    events.forEach((e, i) => {
      if (e.timestamp > now + 2 * HOUR_MS) tooNewStart = Math.min(tooNewStart, i);
      else if (e.timestamp < tooOld) tooOldEnd = i + 1;
      else if (e.timestamp < expired) expiredEnd = i + 1;
      else kept.push({ timestamp: e.timestamp, message: e.message });
    });
    await ctx.store.append(stream, kept, now);

    const out: Record<string, unknown> = { nextSequenceToken: String(stream.nextIndex).padStart(56, '0') };
    const rejected: Record<string, number> = {};
    if (tooNewStart < events.length) rejected['tooNewLogEventStartIndex'] = tooNewStart;
    if (tooOldEnd > 0) rejected['tooOldLogEventEndIndex'] = tooOldEnd;
    if (expiredEnd > 0) rejected['expiredLogEventEndIndex'] = expiredEnd;
    if (Object.keys(rejected).length > 0) out['rejectedLogEventsInfo'] = rejected;
    return out;
  },
});
