import { InvalidArgument } from '../server/errors.js';
import { required, string, structure, type Infer } from '../server/shapes.js';
import { STREAM_TARGET, streamName, type KinesisContext } from './kinesis-context.js';

/**
 * Server-side encryption as a stream setting. Start/StopStreamEncryption take the stream UPDATING and back to
 * ACTIVE, and DescribeStream(Summary), PutRecord and PutRecords then report the EncryptionType (and the stream
 * its KeyId), as AWS's do. Tributary has no KMS: the key is recorded as given, never resolved, and records are
 * stored as they are, not encrypted.
 */

/** Start/StopStreamEncryption's input, in the model's member order. */
export const ENCRYPTION_INPUT = structure({
  StreamName: STREAM_TARGET.StreamName,
  EncryptionType: required(string({ enum: ['NONE', 'KMS'] })),
  KeyId: required(string({ min: 1, max: 2048 })),
  StreamARN: STREAM_TARGET.StreamARN,
});

export async function changeEncryption(
  k: KinesisContext,
  input: Infer<typeof ENCRYPTION_INPUT>,
  direction: 'start' | 'stop',
): Promise<void> {
  const name = streamName(k, input);
  await k.streams.updateSettings(name, (meta) => {
    // "The only valid value is KMS" (the API reference, for both operations); checked once the stream is found.
    if (input.EncryptionType !== 'KMS') {
      throw InvalidArgument(
        `Encryption type ${input.EncryptionType} is not valid for ${direction === 'start' ? 'StartStreamEncryption' : 'StopStreamEncryption'}. The only valid value is KMS.`,
      );
    }
    if (direction === 'start') {
      meta.encryptionType = 'KMS';
      meta.keyId = input.KeyId;
    } else {
      meta.encryptionType = 'NONE';
      delete meta.keyId;
    }
  });
}
