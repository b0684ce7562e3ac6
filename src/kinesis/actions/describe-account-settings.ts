import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import { AccountSettings } from '../account-settings.js';
import type { KinesisContext } from '../kinesis-context.js';

/** DescribeAccountSettings: the account's minimum throughput billing commitment (account-settings.ts). */
export const describeAccountSettings = operation({
  input: structure({}),
  async run(k: KinesisContext) {
    const settings = new AccountSettings(k.app.store, k.streams.clock);
    return { MinimumThroughputBillingCommitment: settings.describe() };
  },
});
