import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import { AccountSettings } from '../account-settings.js';
import type { KinesisContext } from '../kinesis-context.js';

/** UpdateAccountSettings: enables or disables the minimum throughput billing commitment, by AWS's 24-hour rule. */
export const updateAccountSettings = operation({
  input: structure({
    MinimumThroughputBillingCommitment: required(
      structure({ Status: required(string({ enum: ['ENABLED', 'DISABLED'] })) }),
    ),
  }),
  async run(k: KinesisContext, input) {
    const settings = new AccountSettings(k.app.store, k.streams.clock);
    const want = input.MinimumThroughputBillingCommitment.Status as 'ENABLED' | 'DISABLED';
    return { MinimumThroughputBillingCommitment: await settings.update(want) };
  },
});
