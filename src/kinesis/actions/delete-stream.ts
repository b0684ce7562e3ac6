import { Validator } from '../../server/validator.js';
import { assertConsumersDeletable } from '../fan-out/consumers.js';
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
  assertConsumersDeletable(meta, enforce);
  await k.streams.delete(name);
  return {};
}
