import { operation } from '../../server/operations.js';
import { integer, string, structure } from '../../server/shapes.js';
import { STREAM_NAME, type KinesisContext } from '../kinesis-context.js';
import { decodeNextToken, encodeNextToken } from '../next-tokens.js';

/** ListStreams returns at most this many streams per call, whatever Limit asks for. */
const MAX_STREAMS_PER_CALL = 100;

/**
 * ListStreams: names (and StreamSummaries) in name order, after ExclusiveStartStreamName or where a
 * NextToken left off; HasMoreStreams and a NextToken when there are more.
 */
export const listStreams = operation({
  input: structure({
    Limit: integer({ min: 1, max: 10000 }),
    ExclusiveStartStreamName: string({ min: 1, max: 128, pattern: STREAM_NAME }),
    NextToken: string({ min: 1, max: 1048576 }),
  }),
  async run(k: KinesisContext, input) {
    const limit = Math.min(input.Limit ?? MAX_STREAMS_PER_CALL, MAX_STREAMS_PER_CALL);
    let after = input.ExclusiveStartStreamName;
    if (input.NextToken !== undefined) {
      const resume = decodeNextToken('ListStreams', input.NextToken);
      after = typeof resume['stream'] === 'string' ? resume['stream'] : undefined;
    }
    const all = k.streams.list().filter((s) => after === undefined || s.name > after);
    const page = all.slice(0, limit);
    const hasMore = all.length > page.length;
    return {
      StreamNames: page.map((s) => s.name),
      HasMoreStreams: hasMore,
      ...(hasMore
        ? { NextToken: encodeNextToken('ListStreams', { stream: page[page.length - 1]!.name }) }
        : {}),
      StreamSummaries: page.map((s) => ({
        StreamName: s.name,
        StreamARN: s.arn,
        StreamStatus: s.status,
        StreamModeDetails: { StreamMode: s.mode },
        StreamCreationTimestamp: new Date(s.createdAt),
      })),
    };
  },
});
