import { operation } from '../../server/operations.js';
import { boolean, integer, string, structure } from '../../server/shapes.js';
import { offsetOf, offsetToken } from '../../server/offset-token.js';
import { InvalidParameter, invalidNextToken } from '../errors.js';
import type { StreamState } from '../log-store.js';
import { groupArn, type LogsContext } from '../logs-context.js';
import { groupNameOf, LOG_GROUP_IDENTIFIER, LOG_GROUP_NAME, LOG_STREAM_NAME, NEXT_TOKEN } from './common.js';

/**
 * DescribeLogStreams: ordered by name (default) or by the time of the last event (`orderBy LastEventTime`,
 * which cannot take a prefix), `descending`, up to `limit` (1-50, default 50) a page.
 */
export const describeLogStreams = operation({
  input: structure({
    logGroupName: LOG_GROUP_NAME,
    logGroupIdentifier: LOG_GROUP_IDENTIFIER,
    logStreamNamePrefix: LOG_STREAM_NAME,
    orderBy: string({ enum: ['LogStreamName', 'LastEventTime'] }),
    descending: boolean(),
    nextToken: NEXT_TOKEN,
    limit: integer({ min: 1, max: 50 }),
  }),
  async run(ctx: LogsContext, input) {
    const byTime = input.orderBy === 'LastEventTime';
    const prefix = input.logStreamNamePrefix;
    if (byTime && prefix !== undefined)
      throw InvalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
    const groupName = groupNameOf(input);
    await ctx.flush();
    const group = ctx.store.mustGroup(groupName);
    const offset = offsetOf(input.nextToken, invalidNextToken);
    const limit = input.limit ?? 50;
    let streams = ctx.store
      .streams(group)
      .filter((s) => prefix === undefined || s.rec.name.startsWith(prefix));
    // A stream with no event yet sorts by its creation time.
    if (byTime)
      streams = streams.sort(
        (a, b) => (a.lastEventTimestamp ?? a.rec.creationTime) - (b.lastEventTimestamp ?? b.rec.creationTime),
      );
    if (input.descending) streams.reverse();
    const page = streams.slice(offset, offset + limit);
    const arn = groupArn(ctx, groupName);
    const out: Record<string, unknown> = { logStreams: page.map((s) => describeStream(arn, s)) };
    if (offset + limit < streams.length) out['nextToken'] = offsetToken(offset + limit);
    return out;
  },
});

function describeStream(groupArn: string, s: StreamState): Record<string, unknown> {
  const out: Record<string, unknown> = {
    logStreamName: s.rec.name,
    creationTime: s.rec.creationTime,
    arn: `${groupArn}:log-stream:${s.rec.name}`,
    // Deprecated by AWS, which answers 0.
    storedBytes: 0,
  };
  if (s.firstEventTimestamp !== undefined) out['firstEventTimestamp'] = s.firstEventTimestamp;
  if (s.lastEventTimestamp !== undefined) out['lastEventTimestamp'] = s.lastEventTimestamp;
  if (s.lastIngestionTime !== undefined) out['lastIngestionTime'] = s.lastIngestionTime;
  return out;
}
