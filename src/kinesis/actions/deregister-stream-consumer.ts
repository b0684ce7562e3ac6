import { Validator } from '../../server/validator.js';
import type { KinesisContext } from '../kinesis-context.js';
import { consumerTarget } from '../fan-out/consumer-target.js';
import { fanOut } from '../fan-out/fan-out.js';

/** DeregisterStreamConsumer: DELETING (its subscriptions end), gone after the transition delay. */
export async function deregisterStreamConsumer(
  k: KinesisContext,
  input: Record<string, unknown>,
): Promise<unknown> {
  const v = new Validator(input);
  const target = consumerTarget(v, k);
  v.check();
  await fanOut(k).consumers.deregister(target());
  return {};
}
