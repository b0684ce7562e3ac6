import type { KinesisContext } from '../kinesis-context.js';
import type { StreamRegistry } from '../stream-registry.js';
import { Consumers } from './consumers.js';
import { compileFanOutOptions, type CompiledFanOutOptions, type FanOutOptions } from './options.js';
import { Subscriptions } from './subscriptions.js';

/** Enhanced fan-out for one Kinesis service: registered consumers and their shard subscriptions. */
export class FanOut {
  readonly consumers: Consumers;
  readonly subscriptions: Subscriptions;
  readonly options: CompiledFanOutOptions;

  constructor(k: KinesisContext, options: FanOutOptions = {}) {
    this.options = compileFanOutOptions(options);
    const opts = (): CompiledFanOutOptions => this.options;
    this.consumers = new Consumers(k, opts);
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

/** One FanOut per stream registry (i.e. per Kinesis service): how the actions find theirs. */
const instances = new WeakMap<StreamRegistry, FanOut>();

/** Makes the enhanced fan-out of a Kinesis context with its options (createKinesis, from the configuration). */
export function createFanOut(k: KinesisContext, options: FanOutOptions = {}): FanOut {
  const f = new FanOut(k, options);
  instances.set(k.streams, f);
  return f;
}

/**
 * The enhanced fan-out of a Kinesis context (`app.kinesis.context`): the one createKinesis made, or, for a context a
 * test builds by hand, one with the default options.
 */
export function fanOut(k: KinesisContext): FanOut {
  return instances.get(k.streams) ?? createFanOut(k);
}
