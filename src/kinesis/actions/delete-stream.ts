import { ResourceInUse } from '../../server/errors.js';
import { Validator } from '../../server/validator.js';
import { streamTarget, type KinesisContext } from '../kinesis-context.js';

/**
 * DeleteStream: DELETING for the transition delay, then gone (records and shard logs dropped). A stream
 * with registered consumers is only deleted with EnforceConsumerDeletion (the consumers go with it).
 */
export async function deleteStream(k: KinesisContext, input: Record<string, unknown>): Promise<unknown> {
  const v = new Validator(input);
  const target = streamTarget(v, k);
  const enforce = v.boolean('EnforceConsumerDeletion') ?? false;
  v.check();
  const name = target();
  const meta = k.streams.getVisible(name);
  if (!enforce && meta.consumers.length > 0) {
    throw ResourceInUse(
      `Stream ${name} under account ${k.streams.account} has registered consumers. Deregister them first or set EnforceConsumerDeletion.`,
    );
  }
  await k.streams.delete(name);
  return {};
}
