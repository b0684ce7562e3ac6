import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import type { LogsContext } from '../logs-context.js';
import { LOG_GROUP_NAME, TAGS } from './common.js';

/** CreateLogGroup: ResourceAlreadyExistsException when it exists. Its tags are kept (ListTagsForResource); a KMS key is accepted, not used. */
export const createLogGroup = operation({
  input: structure({
    logGroupName: required(LOG_GROUP_NAME),
    kmsKeyId: string({ max: 256 }),
    tags: TAGS,
    logGroupClass: string({ enum: ['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'] }),
  }),
  async run(ctx: LogsContext, input) {
    await ctx.store.createGroup(input.logGroupName, ctx.clock.now(), input.tags);
    return {};
  },
});
