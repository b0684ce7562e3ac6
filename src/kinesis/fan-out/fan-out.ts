import type { KinesisContext } from '../kinesis-context.js';
import type { StreamRegistry } from '../stream-registry.js';
import { Consumers } from './consumers.js';
import {
  compileFanOutOptions,
  FAN_OUT_DEFAULTS,
  type CompiledFanOutOptions,
  type FanOutOptions,
} from './options.js';
import { Subscriptions } from './subscriptions.js';

/** Enhanced fan-out for one Kinesis service: registered consumers and their shard subscriptions. */
export class FanOut {
  readonly consumers: Consumers;
  readonly subscriptions: Subscriptions;
  #options: CompiledFanOutOptions = FAN_OUT_DEFAULTS;

  constructor(k: KinesisContext, options: FanOutOptions = {}) {
    this.#options = compileFanOutOptions(options);
    const opts = (): CompiledFanOutOptions => this.#options;
    this.consumers = new Consumers(k, opts);
    this.subscriptions = new Subscriptions(k, this.consumers, opts);
  }

  get options(): CompiledFanOutOptions {
    return this.#options;
  }

  /** Changes options on a running server (tests shorten the 5 s / 5 min timings); applies to new subscriptions. */
  configure(options: FanOutOptions): void {
    this.#options = compileFanOutOptions(options, this.#options);
  }

  start(): void {
    this.consumers.start();
  }

  close(): void {
    this.subscriptions.close();
    this.consumers.close();
  }
}

/** One FanOut per stream registry (i.e. per Kinesis service), created on first use. */
const instances = new WeakMap<StreamRegistry, FanOut>();

/** The enhanced fan-out of a Kinesis context (`app.kinesis.context`). */
export function fanOut(k: KinesisContext): FanOut {
  let f = instances.get(k.streams);
  if (!f) instances.set(k.streams, (f = new FanOut(k)));
  return f;
}
