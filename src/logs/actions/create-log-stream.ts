import { operation } from '../../server/operations.js';
import { required, structure } from '../../server/shapes.js';
import type { LogsContext } from '../logs-context.js';
import { LOG_GROUP_NAME, LOG_STREAM_NAME } from './common.js';

/** CreateLogStream: ResourceNotFoundException without the group, ResourceAlreadyExistsException when it exists. */
export const createLogStream = operation({
  input: structure({ logGroupName: required(LOG_GROUP_NAME), logStreamName: required(LOG_STREAM_NAME) }),
  async run(ctx: LogsContext, input) {
    await ctx.store.createStream(input.logGroupName, input.logStreamName, ctx.clock.now());
    return {};
  },
});
