import { systemClock, type Clock } from '../../server/clock.js';
import type { KinesisContext } from '../kinesis-context.js';
import { Consumers } from './consumers.js';
import { compileFanOutOptions, type CompiledFanOutOptions, type FanOutOptions } from './options.js';
import { Subscriptions } from './subscriptions.js';

/** Enhanced fan-out for one Kinesis service: registered consumers and their shard subscriptions. */
export class FanOut {
  readonly consumers: Consumers;
  readonly subscriptions: Subscriptions;
  readonly options: CompiledFanOutOptions;

  /** `clock`: the consumers' transition delays (a virtual clock in tests: StartOptions.testHooks.kinesisClock). */
  constructor(k: KinesisContext, options: FanOutOptions = {}, clock: Clock = systemClock) {
    this.options = compileFanOutOptions(options);
    const opts = (): CompiledFanOutOptions => this.options;
    this.consumers = new Consumers(k, opts, clock);
    this.subscriptions = new Subscriptions(k, this.consumers, opts);
  }

  start(): void {
    this.consumers.start();
  }

  close(): void {
    this.subscriptions.close();
    this.consumers.close();
  }
}

/**
 * Completes a Kinesis context with its enhanced fan-out: the component's (createKinesis, with the configured options
 * and clock), or, for a context a test builds by hand, one with the default options. The FanOut is built on the
 * context it completes (its consumers and subscriptions read the registry and the events through it), and does not
 * read `fanOut` while it is built.
 */
export function withFanOut(
  base: Omit<KinesisContext, 'fanOut'>,
  options: FanOutOptions = {},
  clock: Clock = systemClock,
): KinesisContext {
  const k = base as KinesisContext;
  k.fanOut = new FanOut(k, options, clock);
  return k;
}
