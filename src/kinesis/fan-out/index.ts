/** Enhanced fan-out: stream consumers and SubscribeToShard. */
export { assertConsumersDeletable, type ConsumerRef, type ConsumerStatus } from './consumers.js';
export { formatConsumerArn, parseConsumerArn } from './consumer-arn.js';
export { FanOut, withFanOut } from './fan-out.js';
export { openSubscription, type OpenSubscriptionOptions } from './open-subscription.js';
export { compileFanOutOptions, type FanOutOptions, type CompiledFanOutOptions } from './options.js';
export type { StartingPosition } from './starting-position.js';
export type {
  Subscription,
  SubscriptionEndReason,
  SubscriptionEvent,
  SubscriptionState,
} from './subscription.js';
