import { operation } from '../../server/operations.js';
import { required, structure } from '../../server/shapes.js';
import type { LogsContext } from '../logs-context.js';
import { LOG_GROUP_NAME, LOG_STREAM_NAME } from './common.js';

/** DeleteLogStream: the stream and its events. */
export const deleteLogStream = operation({
  input: structure({ logGroupName: required(LOG_GROUP_NAME), logStreamName: required(LOG_STREAM_NAME) }),
  async run(ctx: LogsContext, input) {
    await ctx.flush();
    await ctx.store.deleteStream(input.logGroupName, input.logStreamName);
    return {};
  },
});
