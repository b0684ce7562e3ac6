import { IAMClient } from '@aws-sdk/client-iam';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { App, StartOptions } from '../../src/app/app.js';
import { clientConfig, startTestServer, type Credentials } from './helpers.js';

/** The default account's root keys, and a second account's. */
export const ROOT_A = {
  accessKeyId: 'AKIAACCOUNTAROOT0001',
  secretAccessKey: 'account-a-root-secret-0123456789',
};
export const ROOT_B = {
  accessKeyId: 'AKIAACCOUNTBROOT0001',
  secretAccessKey: 'account-b-root-secret-0123456789',
};
export const A = '000000000000';
export const B = '222222222222';

/** A server of two accounts: the default one (A, the root pair) and B (`accounts`). */
export function twoAccounts(more: StartOptions = {}): Promise<App> {
  return startTestServer({ ...ROOT_A, accounts: [{ id: B, ...ROOT_B }], ...more });
}

/**
 * IAM, Lambda and Kinesis clients signing with `keys` (an account's root pair on a server that checks signatures
 * and enforces IAM): what a suite on such a server sets roles up and drives functions and streams with.
 */
export function signedClients(
  app: { endpoint: string },
  keys: Credentials,
  maxAttempts?: number,
): { iam: IAMClient; lambda: LambdaClient; kinesis: KinesisClient } {
  const config = clientConfig(app, 'default', { credentials: keys, maxAttempts });
  return { iam: new IAMClient(config), lambda: new LambdaClient(config), kinesis: new KinesisClient(config) };
}
