// Signing the console's requests (AWS Signature Version 4) for a server that checks signatures: the keys the user
// enters are kept in this tab's sessionStorage only, and every request is signed with WebCrypto — in headers for
// fetch, as a presigned URL for the event stream (EventSource cannot send headers). The scope's service is
// `tributary` (as the CLI signs): the server accepts any service name in the scope. Credentials from a one-time
// sign-in link are temporary (an STS session): their session token goes with every request, signed.

const KEY = 'tributary.credentials';
const SERVICE = 'tributary';
const enc = new TextEncoder();

/** `{accessKeyId, secretAccessKey, sessionToken?, expiration?, region}` of this tab, or undefined. */
export function credentials() {
  try {
    const c = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    return c?.accessKeyId && c?.secretAccessKey ? c : undefined;
  } catch {
    return undefined;
  }
}

export function saveCredentials(c) {
  if (c) sessionStorage.setItem(KEY, JSON.stringify(c));
  else sessionStorage.removeItem(KEY);
}

/**
 * Whether this tab's session has run out (a call was answered ExpiredToken, or its expiration passed): the pages
 * then stop reloading and the event stream stays closed until the user signs in again, which reloads the tab.
 */
let expired = false;
const onExpiry = new Set();

export const sessionExpired = () => expired;

/** The session ran out: says so to every `whenExpired` listener, once. */
export function expireSession() {
  if (expired) return;
  expired = true;
  for (const f of onExpiry) f();
}

/** `f()` once the session runs out; answers the unsubscribe. */
export function whenExpired(f) {
  onExpiry.add(f);
  return () => onExpiry.delete(f);
}

/** Whether the tab's credentials are a session whose expiration has passed (by this machine's clock). */
export function pastExpiration() {
  const c = credentials();
  return c?.expiration !== undefined && Date.parse(c.expiration) <= Date.now();
}

const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
const sha256 = async (data) =>
  hex(await crypto.subtle.digest('SHA-256', typeof data === 'string' ? enc.encode(data) : data));

async function hmac(key, text) {
  const k = await crypto.subtle.importKey(
    'raw',
    typeof key === 'string' ? enc.encode(key) : key,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return crypto.subtle.sign('HMAC', k, enc.encode(text));
}

/** RFC 3986 encoding as SigV4 wants it. */
const uriEncode = (s) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function canonicalQuery(params) {
  return [...params]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

async function signature(c, amzDate, canonical) {
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${c.region}/${SERVICE}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, await sha256(canonical)].join('\n');
  let key = await hmac(`AWS4${c.secretAccessKey}`, day);
  for (const part of [c.region, SERVICE, 'aws4_request']) key = await hmac(key, part);
  return { scope, signature: hex(await hmac(key, toSign)) };
}

const nowAmz = () =>
  new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
// Non-S3 services sign the path as sent, each segment encoded once more.
const canonicalPath = (u) => u.pathname.split('/').map(uriEncode).join('/') || '/';

/** The headers to add to a request so that it is signed; {} without credentials. `body` is a string or bytes. */
export async function signHeaders(method, url, body) {
  const c = credentials();
  if (!c) return {};
  const u = new URL(url, location.href);
  const amzDate = nowAmz();
  const token = c.sessionToken ? `x-amz-security-token:${c.sessionToken}\n` : '';
  const signed = c.sessionToken ? 'host;x-amz-date;x-amz-security-token' : 'host;x-amz-date';
  const canonical = [
    method,
    canonicalPath(u),
    canonicalQuery(u.searchParams),
    `host:${u.host}\nx-amz-date:${amzDate}\n${token}`,
    signed,
    await sha256(body ?? ''),
  ].join('\n');
  const s = await signature(c, amzDate, canonical);
  return {
    'x-amz-date': amzDate,
    ...(c.sessionToken ? { 'x-amz-security-token': c.sessionToken } : {}),
    authorization: `AWS4-HMAC-SHA256 Credential=${c.accessKeyId}/${s.scope}, SignedHeaders=${signed}, Signature=${s.signature}`,
  };
}

/** A GET URL carrying its own signature (valid for `expires` seconds); the URL itself without credentials. */
export async function presign(url, expires = 3600) {
  const c = credentials();
  if (!c) return url;
  const u = new URL(url, location.href);
  const amzDate = nowAmz();
  u.searchParams.set('X-Amz-Algorithm', 'AWS4-HMAC-SHA256');
  u.searchParams.set(
    'X-Amz-Credential',
    `${c.accessKeyId}/${amzDate.slice(0, 8)}/${c.region}/${SERVICE}/aws4_request`,
  );
  u.searchParams.set('X-Amz-Date', amzDate);
  u.searchParams.set('X-Amz-Expires', String(expires));
  u.searchParams.set('X-Amz-SignedHeaders', 'host');
  if (c.sessionToken) u.searchParams.set('X-Amz-Security-Token', c.sessionToken);
  const canonical = [
    'GET',
    canonicalPath(u),
    canonicalQuery(u.searchParams),
    `host:${u.host}\n`,
    'host',
    await sha256(''),
  ].join('\n');
  u.searchParams.set('X-Amz-Signature', (await signature(c, amzDate, canonical)).signature);
  return u.toString();
}
