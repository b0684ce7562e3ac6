import { operation } from '../../server/operations.js';
import { changeEncryption, ENCRYPTION_INPUT } from '../encryption.js';
import type { KinesisContext } from '../kinesis-context.js';

/** StartStreamEncryption: EncryptionType KMS with the key given (recorded, not used: encryption.ts). */
export const startStreamEncryption = operation({
  input: ENCRYPTION_INPUT,
  run: (k: KinesisContext, input) => changeEncryption(k, input, 'start'),
});
