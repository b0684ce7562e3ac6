import { operation } from '../../server/operations.js';
import { boolean, structure } from '../../server/shapes.js';
import { assertConsumersDeletable } from '../fan-out/consumers.js';
import { STREAM_TARGET, streamName, type KinesisContext } from '../kinesis-context.js';

/**
 * DeleteStream: DELETING for the transition delay, then gone (records and shard logs dropped). A stream
 * with registered consumers is only deleted with EnforceConsumerDeletion (the consumers go with it).
 */
export const deleteStream = operation({
  input: structure({ ...STREAM_TARGET, EnforceConsumerDeletion: boolean() }),
  async run(k: KinesisContext, input) {
    const name = streamName(k, input);
    const meta = k.streams.get(name);
    assertConsumersDeletable(meta, input.EnforceConsumerDeletion ?? false);
    await k.streams.delete(name);
  },
});
