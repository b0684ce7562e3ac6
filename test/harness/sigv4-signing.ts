import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { region as testRegion } from './helpers.js';

/**
 * The AWS SDK's own SigV4 signer (@smithy/signature-v4, an implementation independent of ours), for tests that
 * sign or presign raw requests: what the SDK clients do, with the parts a test wants to change in its hands.
 */

/** node:crypto behind the Checksum interface SignatureV4 wants (SHA-256, or HMAC-SHA-256 with a secret). */
class NodeSha256 {
  readonly #h;
  constructor(secret?: Uint8Array | string) {
    this.#h = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(d: Uint8Array | string): void {
    this.#h.update(d);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.#h.digest());
  }
  reset(): void {}
}

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export function testSigner(
  credentials: SigningCredentials,
  service: string,
  region = testRegion,
): SignatureV4 {
  return new SignatureV4({ credentials, region, service, sha256: NodeSha256 as never });
}

/** A request as the signer takes it, for `endpoint`: method, path, query, headers (host added) and body. */
export function rawRequest(
  endpoint: string,
  o: {
    method?: string;
    path?: string;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    body?: string | Uint8Array;
  },
) {
  const url = new URL(endpoint);
  return {
    method: o.method ?? 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: o.path ?? '/',
    query: o.query ?? {},
    headers: { host: url.host, ...o.headers },
    ...(o.body !== undefined ? { body: o.body } : {}),
  };
}

/** Sends what a signer produced with fetch: its query string, its headers (but host) and `body`. */
export async function sendSigned(
  endpoint: string,
  signed: { method: string; path: string; query?: Record<string, unknown>; headers: Record<string, unknown> },
  body?: string | Uint8Array,
): Promise<{ status: number; type: string | null; text: string }> {
  const headers = new Headers();
  for (const [k, v] of Object.entries(signed.headers)) if (k !== 'host') headers.set(k, String(v));
  const qs = new URLSearchParams(signed.query as Record<string, string>).toString();
  const res = await fetch(`${endpoint}${signed.path}${qs === '' ? '' : `?${qs}`}`, {
    method: signed.method,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), text: await res.text() };
}
