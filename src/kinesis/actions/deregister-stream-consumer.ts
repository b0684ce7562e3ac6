import { operation } from '../../server/operations.js';
import type { KinesisContext } from '../kinesis-context.js';
import { CONSUMER_TARGET, consumerOf } from '../fan-out/consumer-target.js';

/** DeregisterStreamConsumer: DELETING (its subscriptions end), gone after the transition delay. */
export const deregisterStreamConsumer = operation({
  input: CONSUMER_TARGET,
  async run(k: KinesisContext, input) {
    await k.fanOut.consumers.deregister(consumerOf(k, input));
  },
});
