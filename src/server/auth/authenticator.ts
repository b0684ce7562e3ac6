import { AwsError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { ApiRequest } from '../http-types.js';
import type { ErrorProtocol } from '../serialize-error.js';
import {
  canonicalRequest,
  checkTime,
  isProblem,
  parseSignedParts,
  payloadHash,
  signatureMatches,
  signingKey,
  stringToSign,
  type SigV4Problem,
} from './sigv4.js';

/** Who signed a request. */
export interface Principal {
  /** `root` (the account's root keys), an IAM `user`, or an `assumed-role` session (STS). */
  kind: 'root' | 'user' | 'assumed-role';
  account: string;
  /** arn:aws:iam::ACCOUNT:root, arn:aws:iam::ACCOUNT:user/NAME, arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION */
  arn: string;
  accessKeyId: string;
}

/** A key pair the server accepts. */
export interface Credential {
  secretAccessKey: string;
  principal: Principal;
  /** Temporary credentials (STS) carry a session token the request must repeat, and an end. */
  sessionToken?: string;
  /** Epoch ms after which the temporary credentials are refused as expired. */
  expiresAt?: number;
}

/** Where access keys are looked up: the root keys from the configuration, IAM users' keys, STS sessions. */
export interface CredentialSource {
  lookup(accessKeyId: string): Credential | undefined;
}

/** What a verified request carries on: its signer and the credential scope's region and service. */
export interface RequestAuth {
  principal: Principal;
  region: string;
  service: string;
  /** The key the request was signed with, and its session token (temporary credentials): see `isCurrent`. */
  accessKeyId: string;
  sessionToken: string | undefined;
}

const BAD_TOKEN = 'The security token included in the request is invalid.';
const BAD_SIGNATURE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/**
 * AWS's answer to an authentication failure, per protocol family: the JSON services (Kinesis, CloudWatch, SQS,
 * Logs) answer 400 with `...Exception` types, Lambda's REST API the same types with 403, the query services
 * (SNS, SQS and CloudWatch over query, IAM, STS) 403 with their short codes.
 */
export function authError(
  problem: SigV4Problem | { kind: 'expired-token' },
  protocol: ErrorProtocol,
): AwsError {
  const query = protocol === 'query';
  const status = query || protocol === 'rest-json' ? 403 : 400;
  switch (problem.kind) {
    case 'missing':
      return query
        ? new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403)
        : new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', status);
    case 'incomplete':
      return new AwsError(
        query ? 'IncompleteSignature' : 'IncompleteSignatureException',
        problem.message,
        status,
      );
    case 'unknown-key':
      return new AwsError(query ? 'InvalidClientTokenId' : 'UnrecognizedClientException', BAD_TOKEN, status);
    case 'mismatch':
      return new AwsError(
        query ? 'SignatureDoesNotMatch' : 'InvalidSignatureException',
        problem.message ?? BAD_SIGNATURE,
        status,
      );
    case 'expired':
      return new AwsError(
        query ? 'SignatureDoesNotMatch' : 'InvalidSignatureException',
        problem.message,
        status,
      );
    case 'expired-token':
      return new AwsError(
        query ? 'ExpiredToken' : 'ExpiredTokenException',
        'The security token included in the request is expired',
        status,
      );
  }
}

/** Derived signing keys by key id, day, region and service: one HMAC chain per key and day, not per request. */
class SigningKeys {
  readonly #cache = new Map<string, Buffer>();

  get(accessKeyId: string, secret: string, date: string, region: string, service: string): Buffer {
    const id = `${accessKeyId}\0${date}\0${region}\0${service}`;
    let key = this.#cache.get(id);
    if (key === undefined) {
      // Bounded: a day's keys for every region and service a client uses; stale days are dropped wholesale.
      if (this.#cache.size >= 4096) this.#cache.clear();
      key = signingKey(secret, date, region, service);
      this.#cache.set(id, key);
    }
    return key;
  }
}

/**
 * Checks a request's SigV4 signature against the known credentials. Throws the protocol's AwsError when the
 * request is unsigned, malformed, signed with an unknown key or the wrong secret, or out of its time; returns
 * the signer otherwise.
 */
export class Authenticator {
  readonly #credentials: CredentialSource;
  readonly #clock: Clock;
  readonly #keys = new SigningKeys();

  constructor(credentials: CredentialSource, clock: Clock) {
    this.#credentials = credentials;
    this.#clock = clock;
  }

  /** The verified signer of `req`, or the problem that refuses it. */
  verify(req: ApiRequest): RequestAuth | SigV4Problem | { kind: 'expired-token' } {
    const parts = parseSignedParts(req);
    if (isProblem(parts)) return parts;
    const cred = this.#credentials.lookup(parts.accessKeyId);
    if (cred === undefined) return { kind: 'unknown-key', accessKeyId: parts.accessKeyId };
    // A session token must come with exactly the temporary key it was issued with, and with no other key.
    if (cred.sessionToken !== parts.sessionToken)
      return { kind: 'unknown-key', accessKeyId: parts.accessKeyId };
    const now = this.#clock.now();
    const late = checkTime(parts, now);
    if (late) return late;
    const key = this.#keys.get(
      parts.accessKeyId,
      cred.secretAccessKey,
      parts.scopeDate,
      parts.region,
      parts.service,
    );
    const toSign = stringToSign(parts, canonicalRequest(req, parts, payloadHash(req)));
    if (!signatureMatches(key, toSign, parts.signature)) return { kind: 'mismatch' };
    if (cred.expiresAt !== undefined && now >= cred.expiresAt) return { kind: 'expired-token' };
    return {
      principal: cred.principal,
      region: parts.region,
      service: parts.service,
      accessKeyId: parts.accessKeyId,
      sessionToken: parts.sessionToken,
    };
  }

  /**
   * Whether the credentials a request was verified with still sign now: the key still exists with the same
   * session token and has not expired (or been ended). For answers that outlive their request, such as an event
   * stream, which must stop when its session ends.
   */
  isCurrent(auth: RequestAuth): boolean {
    const cred = this.#credentials.lookup(auth.accessKeyId);
    if (cred === undefined || cred.sessionToken !== auth.sessionToken) return false;
    return cred.expiresAt === undefined || this.#clock.now() < cred.expiresAt;
  }
}

/** The root access key pair from the configuration, as a credential source. */
export function rootCredentials(
  accessKeyId: string,
  secretAccessKey: string,
  account: string,
): CredentialSource {
  const cred: Credential = {
    secretAccessKey,
    principal: { kind: 'root', account, arn: `arn:aws:iam::${account}:root`, accessKeyId },
  };
  return { lookup: (id) => (id === accessKeyId ? cred : undefined) };
}

/** Several credential sources asked in order (root keys, then IAM users' keys, then STS sessions). */
export function chainCredentials(...sources: CredentialSource[]): CredentialSource {
  return {
    lookup(id) {
      for (const s of sources) {
        const c = s.lookup(id);
        if (c) return c;
      }
      return undefined;
    },
  };
}

export function isAuthProblem(
  v: RequestAuth | SigV4Problem | { kind: 'expired-token' },
): v is SigV4Problem | { kind: 'expired-token' } {
  return 'kind' in v;
}
