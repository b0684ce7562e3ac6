import { InvalidArgument } from '../../server/errors.js';
import { Validator } from '../../server/validator.js';
import { STREAM_NAME, type KinesisContext } from '../kinesis-context.js';
import type { StreamMode } from '../model.js';

/** CreateStream: ShardCount is required for PROVISIONED and ignored-but-defaulted (4) for ON_DEMAND. */
export async function createStream(k: KinesisContext, input: Record<string, unknown>): Promise<unknown> {
  const v = new Validator(input);
  const name = v.string('StreamName', { required: true, min: 1, max: 128, pattern: STREAM_NAME });
  const shardCount = v.integer('ShardCount', { min: 1, max: 100000 });
  const modeDetails = v.map('StreamModeDetails');
  const mode =
    modeDetails === undefined
      ? 'PROVISIONED'
      : v.enumeration<StreamMode>('StreamMode', ['PROVISIONED', 'ON_DEMAND'], {
          required: true,
          path: 'streamModeDetails.streamMode',
          value: modeDetails['StreamMode'],
        });
  const tagsIn = v.map('Tags');
  v.check();
  let count = shardCount;
  if (mode === 'ON_DEMAND') count ??= 4;
  if (count === undefined) throw InvalidArgument('ShardCount is required for PROVISIONED stream mode.');
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(tagsIn ?? {})) tags[key] = String(value);
  await k.streams.create(name!, count, mode ?? 'PROVISIONED', tags);
  return {};
}
