import type { App, StartOptions } from '../../src/app/app.js';
import { startTestServer } from './helpers.js';

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
