import { operation } from '../../server/operations.js';
import { map, required, string, structure } from '../../server/shapes.js';
import type { LogsContext } from '../logs-context.js';
import { LOG_GROUP_NAME } from './common.js';

/** CreateLogGroup: ResourceAlreadyExistsException when it exists. KMS keys and tags are accepted, not used. */
export const createLogGroup = operation({
  input: structure({
    logGroupName: required(LOG_GROUP_NAME),
    kmsKeyId: string({ max: 256 }),
    tags: map(string({ min: 0, max: 256 }), { min: 1, max: 50 }),
    logGroupClass: string({ enum: ['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'] }),
  }),
  async run(ctx: LogsContext, input) {
    await ctx.store.createGroup(input.logGroupName, ctx.clock.now());
    return {};
  },
});
