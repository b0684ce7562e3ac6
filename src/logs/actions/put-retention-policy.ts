import { operation } from '../../server/operations.js';
import { integer, required, structure } from '../../server/shapes.js';
import { InvalidParameter } from '../errors.js';
import type { LogsContext } from '../logs-context.js';
import { RETENTION_DAYS } from '../model.js';
import { LOG_GROUP_NAME } from './common.js';

/** PutRetentionPolicy: one of AWS's periods; events older than it are removed (at once, then every sweep). */
export const putRetentionPolicy = operation({
  input: structure({ logGroupName: required(LOG_GROUP_NAME), retentionInDays: required(integer()) }),
  async run(ctx: LogsContext, input) {
    if (!RETENTION_DAYS.includes(input.retentionInDays))
      throw InvalidParameter(`Invalid retention value. Valid values are: [${RETENTION_DAYS.join(', ')}]`);
    await ctx.store.setRetention(input.logGroupName, input.retentionInDays, ctx.clock.now());
    return {};
  },
});
