import { operation } from '../../server/operations.js';
import { changeEncryption, ENCRYPTION_INPUT } from '../encryption.js';
import type { KinesisContext } from '../kinesis-context.js';

/** StopStreamEncryption: EncryptionType NONE again, and no KeyId. */
export const stopStreamEncryption = operation({
  input: ENCRYPTION_INPUT,
  run: (k: KinesisContext, input) => changeEncryption(k, input, 'stop'),
});
