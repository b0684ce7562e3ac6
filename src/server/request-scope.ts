import { authError } from './auth/authenticator.js';
import type { ApiRequest } from './http-types.js';
import type { ErrorProtocol } from './serialize-error.js';

/**
 * Where a request acts: its region and account. AWS resources live in a region, and a client names it in the
 * credential scope it signs with (SigV4: `Credential=<key id>/<date>/<region>/<service>/aws4_request`, in the
 * `Authorization` header or, presigned, the `X-Amz-Credential` query parameter). A request that is not signed acts
 * in the server's default region (`--region`). Its account is the account of the verified key that signed it (a
 * root key pair of the configuration, an IAM user's key, an STS session of a role: authenticator.ts); without
 * signature checks, the default account (`--account`).
 */
export interface RequestScope {
  region: string;
  account: string;
}

/** AWS's region names (us-east-1, eu-central-2, us-gov-west-1, ap-southeast-5...). */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d$/;

const HEADER_SCOPE = /Credential=([^,\s]+)/;

/**
 * The region of the request's credential scope, or undefined when it names none. With signatures checked, the
 * authenticator has parsed and verified the scope (`req.auth`); without, it is read as sent, and a scope that is not
 * `<key id>/<date>/<region>/<service>/aws4_request` is no scope (any credentials work then).
 */
function scopeRegion(req: ApiRequest): string | undefined {
  if (req.auth) return req.auth.region;
  const auth = req.headers['authorization'];
  const scope =
    (typeof auth === 'string' ? HEADER_SCOPE.exec(auth)?.[1] : undefined) ??
    req.query.get('X-Amz-Credential') ??
    undefined;
  const parts = scope?.split('/');
  return parts?.length === 5 && parts[4] === 'aws4_request' ? parts[2] : undefined;
}

/**
 * The request's scope, derived once per request. A scope whose region is not a region name is refused as AWS
 * refuses it ("Credential should be scoped to a valid region, not 'x'. ", as a signature that does not match, in
 * the protocol family's words: authenticator.ts).
 */
export function requestScope(req: ApiRequest, defaults: RequestScope, protocol: ErrorProtocol): RequestScope {
  const region = scopeRegion(req);
  const account = req.auth?.principal.account ?? defaults.account;
  if (region === undefined) return { region: defaults.region, account };
  if (!REGION_NAME.test(region)) {
    throw authError(
      { kind: 'mismatch', message: `Credential should be scoped to a valid region, not '${region}'. ` },
      protocol,
    );
  }
  return { region, account };
}

/**
 * Where an account's state lives in the one store, unless it is the default account's (unprefixed, as before
 * accounts: `Regions` and IAM put their own names after it).
 */
export function accountPrefix(account: string, defaultAccount: string): string {
  return account === defaultAccount ? '' : `account/${account}/`;
}
