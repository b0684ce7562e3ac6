import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentialIdentity, SourceData } from '@smithy/types';

function bytes(d: SourceData): Uint8Array | string {
  if (typeof d === 'string' || d instanceof Uint8Array) return d;
  return ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d);
}

/**
 * `fetch` for the commands that talk to a running server (status, logs, ...): GET requests signed with SigV4 when
 * credentials can be found, so they pass a server whose signature checks are on. Credentials come from the
 * server's own variables (TRIBUTARY_ACCESS_KEY_ID / TRIBUTARY_SECRET_ACCESS_KEY, so `tributary status` beside
 * `tributary up` needs nothing more), else the usual AWS chain (AWS_* variables, ~/.aws profiles, SSO...). With
 * none, the request goes unsigned: a server whose checks are off serves it.
 */

/** node:crypto behind the Checksum interface SignatureV4 wants (SHA-256, or HMAC-SHA-256 when given a secret). */
class NodeSha256 {
  readonly #h: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.#h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.#h.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.#h.digest());
  }
  reset(): void {
    throw new Error('not used by SignatureV4');
  }
}

/** The commands' credentials: TRIBUTARY_ACCESS_KEY_ID/SECRET, else the AWS chain; undefined when there are none. */
export async function findCredentials(env: NodeJS.ProcessEnv): Promise<AwsCredentialIdentity | undefined> {
  const id = env['TRIBUTARY_ACCESS_KEY_ID'];
  const secret = env['TRIBUTARY_SECRET_ACCESS_KEY'];
  if (id && secret) return { accessKeyId: id, secretAccessKey: secret };
  try {
    return await defaultProvider()();
  } catch (err) {
    // The chain throws CredentialsProviderError when no source has credentials: then the request goes unsigned.
    if ((err as { name?: string }).name === 'CredentialsProviderError') return undefined;
    throw err;
  }
}

/** What the commands send: a method, text headers and a text body (JSON), and an abort signal. */
export interface SignedInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal | null;
}

/** Sends a request to `url`, signed when credentials are found. */
export async function signedFetch(
  url: string,
  init: SignedInit = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<Response> {
  const credentials = await findCredentials(env);
  if (credentials === undefined) return fetch(url, init);
  const u = new URL(url);
  const query: Record<string, string> = {};
  for (const [k, v] of u.searchParams) query[k] = v;
  const signer = new SignatureV4({
    credentials,
    region: env['TRIBUTARY_REGION'] || env['AWS_REGION'] || env['AWS_DEFAULT_REGION'] || 'us-east-1',
    service: 'tributary',
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method: init.method ?? 'GET',
    protocol: u.protocol,
    hostname: u.hostname,
    ...(u.port ? { port: Number(u.port) } : {}),
    path: u.pathname,
    query,
    headers: { ...init.headers, host: u.host },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const headers = new Headers();
  for (const [k, v] of Object.entries(signed.headers)) if (k !== 'host') headers.set(k, String(v));
  return fetch(url, { ...init, headers });
}
