import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ApiRequest } from '../http-types.js';

/**
 * AWS Signature Version 4, as the services check it
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html): the signed parts of a request are
 * found in the `Authorization` header or in a presigned query string, the canonical request is rebuilt from what
 * the server received (the body is hashed here; `X-Amz-Content-Sha256` is never trusted, except for the literal
 * `UNSIGNED-PAYLOAD`, which leaves the body out of the signature as SigV4 allows), and the signature is compared
 * in constant time. Pure functions: the key lookup and the clock are the caller's (`authenticator.ts`).
 */

export const ALGORITHM = 'AWS4-HMAC-SHA256';
/** AWS refuses a signature whose date is more than 15 minutes from its own clock. */
export const MAX_SKEW_MS = 15 * 60 * 1000;
/** Presigned URLs live at most 7 days (X-Amz-Expires 1-604800). */
export const MAX_PRESIGN_EXPIRES_S = 604_800;

/** Why a request's signature cannot be checked or does not hold; `authenticator.ts` turns it into AWS's error. */
export type SigV4Problem =
  | { kind: 'missing' }
  | { kind: 'incomplete'; message: string }
  | { kind: 'unknown-key'; accessKeyId: string }
  /** The signature does not hold; `message` when AWS says more than its usual text. */
  | { kind: 'mismatch'; message?: string }
  | { kind: 'expired'; message: string };

/** The signed parts of a request, as sent. */
export interface SignedParts {
  accessKeyId: string;
  /** yyyymmdd of the credential scope. */
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** X-Amz-Date (yyyymmddThhmmssZ). */
  amzDate: string;
  /** Epoch ms of amzDate. */
  time: number;
  /** X-Amz-Security-Token, when sent (temporary credentials). */
  sessionToken: string | undefined;
  /** Seconds a presigned request stays valid; undefined for the Authorization header. */
  expiresS: number | undefined;
  presigned: boolean;
}

const BASIC_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function parseBasicDate(s: string): number | undefined {
  const m = BASIC_DATE.exec(s);
  if (!m) return undefined;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isNaN(t) ? undefined : t;
}

export function formatBasicDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function header(req: ApiRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** The raw query string's pairs, percent-decoded (`+` is a plus, as SigV4 reads it, not a space). */
function queryPairs(req: ApiRequest): Array<[string, string]> {
  const raw = req.search ?? req.query.toString();
  if (raw === '') return [];
  return raw.split('&').map((p): [string, string] => {
    const i = p.indexOf('=');
    const k = i < 0 ? p : p.slice(0, i);
    const v = i < 0 ? '' : p.slice(i + 1);
    return [safeDecode(k), safeDecode(v)];
  });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    // A malformed escape is signed as sent: the client's signer saw the same bytes.
    return s;
  }
}

/**
 * The signed parts of `req`, or why it cannot be checked: no signature at all, or one missing parts (AWS lists
 * every missing part in one message).
 */
export function parseSignedParts(req: ApiRequest): SignedParts | SigV4Problem {
  const auth = header(req, 'authorization');
  const query = new Map(queryPairs(req));
  const presigned = query.has('X-Amz-Algorithm');
  // AWS calls this an invalid signature (InvalidSignatureException), not an incomplete one (recorded answers:
  // kinesalite's connection tests).
  if (auth !== undefined && presigned)
    return {
      kind: 'mismatch',
      message: "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    };
  if (auth === undefined && !presigned) return { kind: 'missing' };
  let algorithm: string;
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  let amzDate: string | undefined;
  let expiresS: number | undefined;
  let sessionToken: string | undefined;
  if (auth !== undefined) {
    const space = auth.indexOf(' ');
    algorithm = space < 0 ? auth : auth.slice(0, space);
    const params = new Map<string, string>();
    for (const part of (space < 0 ? '' : auth.slice(space + 1)).split(/[,\s]+/)) {
      const eq = part.indexOf('=');
      if (eq > 0) params.set(part.slice(0, eq), part.slice(eq + 1));
    }
    credential = params.get('Credential');
    signedHeaders = params.get('SignedHeaders');
    signature = params.get('Signature');
    amzDate = header(req, 'x-amz-date');
    sessionToken = header(req, 'x-amz-security-token');
    let msg = '';
    for (const [name, v] of [
      ['Credential', credential],
      ['Signature', signature],
      ['SignedHeaders', signedHeaders],
    ] as const)
      if (!v) msg += `Authorization header requires '${name}' parameter. `;
    const date = header(req, 'date');
    if (amzDate === undefined && date === undefined)
      msg += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
    if (msg) return { kind: 'incomplete', message: `${msg}Authorization=${auth}` };
    if (amzDate === undefined && date !== undefined) {
      const t = Date.parse(date);
      if (!Number.isNaN(t)) amzDate = formatBasicDate(t);
    }
  } else {
    algorithm = query.get('X-Amz-Algorithm') ?? '';
    credential = query.get('X-Amz-Credential');
    signedHeaders = query.get('X-Amz-SignedHeaders');
    signature = query.get('X-Amz-Signature');
    amzDate = query.get('X-Amz-Date');
    sessionToken = query.get('X-Amz-Security-Token');
    let msg = '';
    for (const name of [
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Signature',
      'X-Amz-SignedHeaders',
      'X-Amz-Date',
    ])
      if (!query.get(name)) msg += `AWS query-string parameters must include '${name}'. `;
    if (msg) return { kind: 'incomplete', message: `${msg}Re-examine the query-string parameters.` };
    const exp = query.get('X-Amz-Expires');
    if (exp !== undefined) {
      expiresS = Number(exp);
      if (!Number.isInteger(expiresS) || expiresS < 1 || expiresS > MAX_PRESIGN_EXPIRES_S)
        return {
          kind: 'incomplete',
          message: `X-Amz-Expires must be an integer between 1 and ${MAX_PRESIGN_EXPIRES_S} seconds.`,
        };
    }
  }
  if (algorithm !== ALGORITHM)
    return { kind: 'incomplete', message: `Unsupported AWS 'algorithm': '${algorithm}'` };
  const scope = (credential ?? '').split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || scope.some((s) => s === ''))
    return {
      kind: 'incomplete',
      message: `Credential should be scoped to a valid region, not '${scope[2] ?? ''}'. `,
    };
  const [accessKeyId, scopeDate, region, service] = scope as [string, string, string, string, string];
  const time = amzDate === undefined ? undefined : parseBasicDate(amzDate);
  if (amzDate === undefined || time === undefined)
    return {
      kind: 'incomplete',
      message: `Date must be in ISO-8601 'basic format'. Got '${amzDate ?? ''}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    };
  if (amzDate.slice(0, 8) !== scopeDate)
    return {
      kind: 'mismatch',
      message: `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    };
  const headers = signedHeaders!.split(';');
  // The SDKs sign `:authority` on HTTP/2 and `host` on HTTP/1.1.
  if (!headers.includes('host') && !headers.includes(':authority'))
    return {
      kind: 'incomplete',
      message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    };
  return {
    accessKeyId,
    scopeDate,
    region,
    service,
    signedHeaders: headers,
    signature: signature!,
    amzDate,
    time,
    sessionToken,
    expiresS,
    presigned,
  };
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is %XX (upper case). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The canonical request (method, URI, query, headers, signed header list, payload hash). Services other than S3
 * sign the path as sent, each segment encoded once more (the SDKs "double-encode": a Lambda function ARN in the
 * path is sent as `arn%3Aaws...` and signed as `arn%253Aaws...`).
 */
export function canonicalRequest(req: ApiRequest, parts: SignedParts, payloadHash: string): string {
  const sent = req.rawPath?.split('/') ?? req.path.split('/').map((seg) => uriEncode(seg));
  const path = sent.map((seg) => uriEncode(seg)).join('/') || '/';
  const query = queryPairs(req)
    .filter(([k]) => !(parts.presigned && k === 'X-Amz-Signature'))
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const headerLines = parts.signedHeaders.map((name) => {
    // The listener hands HTTP/2 requests over without pseudo-headers; their authority is `req.host`.
    const raw =
      name === 'host' || name === ':authority'
        ? (header(req, name) ?? header(req, 'host') ?? req.host)
        : header(req, name);
    return `${name}:${(raw ?? '').trim().replace(/\s+/g, ' ')}\n`;
  });
  return [req.method, path, query, headerLines.join(''), parts.signedHeaders.join(';'), payloadHash].join(
    '\n',
  );
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The payload hash the canonical request carries: the body's, or `UNSIGNED-PAYLOAD` when the client said so. */
export function payloadHash(req: ApiRequest): string {
  const declared = header(req, 'x-amz-content-sha256');
  if (declared === 'UNSIGNED-PAYLOAD') return declared;
  return sha256Hex(req.body);
}

export function stringToSign(parts: SignedParts, canonical: string): string {
  return [
    ALGORITHM,
    parts.amzDate,
    `${parts.scopeDate}/${parts.region}/${parts.service}/aws4_request`,
    sha256Hex(canonical),
  ].join('\n');
}

/** The signing key of a secret for one day, region and service (callers cache it: it changes once a day). */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

export function signatureMatches(key: Buffer, toSign: string, signature: string): boolean {
  const expected = createHmac('sha256', key).update(toSign).digest();
  if (!/^[0-9a-f]{64}$/.test(signature)) return false;
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

/**
 * Whether the request's time is acceptable at `now`: within 15 minutes either way for the Authorization header,
 * within X-Amz-Expires after X-Amz-Date for a presigned URL. AWS's texts.
 */
export function checkTime(parts: SignedParts, now: number): SigV4Problem | undefined {
  if (parts.expiresS !== undefined) {
    if (now > parts.time + parts.expiresS * 1000) return { kind: 'expired', message: 'Request has expired' };
    if (parts.time - now > MAX_SKEW_MS)
      return {
        kind: 'expired',
        message: `Signature not yet current: ${parts.amzDate} is still later than ${formatBasicDate(now + MAX_SKEW_MS)} (${formatBasicDate(now)} + 15 min.)`,
      };
    return undefined;
  }
  if (now - parts.time > MAX_SKEW_MS)
    return {
      kind: 'expired',
      message: `Signature expired: ${parts.amzDate} is now earlier than ${formatBasicDate(now - MAX_SKEW_MS)} (${formatBasicDate(now)} - 15 min.)`,
    };
  if (parts.time - now > MAX_SKEW_MS)
    return {
      kind: 'expired',
      message: `Signature not yet current: ${parts.amzDate} is still later than ${formatBasicDate(now + MAX_SKEW_MS)} (${formatBasicDate(now)} + 15 min.)`,
    };
  return undefined;
}

export function isProblem(p: SignedParts | SigV4Problem): p is SigV4Problem {
  return 'kind' in p;
}
