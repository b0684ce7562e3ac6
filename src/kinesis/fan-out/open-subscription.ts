import type { KinesisContext } from '../kinesis-context.js';
import type { StartingPosition } from './starting-position.js';
import type { Subscription } from './subscription.js';

export interface OpenSubscriptionOptions {
  consumerArn: string;
  shardId: string;
  startingPosition: StartingPosition;
  /** Aborting it closes the subscription. */
  signal?: AbortSignal;
}

/**
 * Reads a shard through a registered consumer, exactly as SubscribeToShard does minus the framing:
 * same checks and errors (thrown synchronously as AwsError), same 5 s takeover rule, heartbeats,
 * lifetime and end at a closed shard (last event has `childShards`, no continuation). Iterate it once;
 * `close()` (or `signal`) ends it. Events are produced only as fast as they are consumed.
 */
export function openSubscription(k: KinesisContext, o: OpenSubscriptionOptions): Subscription {
  const sub = k.fanOut.subscriptions.open({
    consumerArn: o.consumerArn,
    shardId: o.shardId,
    startingPosition: o.startingPosition,
  });
  const signal = o.signal;
  if (signal) {
    if (signal.aborted) sub.close();
    else {
      const onAbort = (): void => sub.close();
      signal.addEventListener('abort', onAbort, { once: true });
      sub.once('end', () => signal.removeEventListener('abort', onAbort));
    }
  }
  return sub;
}
