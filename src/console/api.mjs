// The console's one way to the server: same-origin fetches of the AWS APIs it serves (Kinesis and SQS over AWS
// JSON, CloudWatch over AWS JSON 1.0, Lambda's REST API) and of Tributary's own /_tributary/ endpoints. Every
// failure becomes an ApiError carrying the AWS error type and message the server answered. Requests are signed
// (sigv4.mjs) once the user has entered the server's keys.
import { expireSession, signHeaders } from './sigv4.mjs';

/** `fetch`, signed when credentials were entered. */
export async function send(url, init = {}) {
  const headers = { ...(init.headers ?? {}), ...(await signHeaders(init.method ?? 'GET', url, init.body)) };
  return fetch(url, { ...init, headers });
}

export class ApiError extends Error {
  constructor(type, message, status) {
    super(message || type);
    this.type = type;
    this.status = status;
  }
}

async function failure(res) {
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = { message: text };
  }
  const header = res.headers.get('x-amzn-errortype');
  const type = (header || body.__type || body.Type || `HTTP ${res.status}`).split(':')[0].split('#').pop();
  if (/^ExpiredToken/.test(type)) {
    // Retrying cannot help: the pages stop reloading until the user signs in again (ui.mjs).
    expireSession();
    return new ApiError(
      type,
      'This tab\'s session has expired: open a new sign-in link (`tributary console-link`) or enter a key under "Credentials".',
      res.status,
    );
  }
  if (/^(MissingAuthenticationToken|IncompleteSignature|UnrecognizedClient|InvalidSignature)/.test(type)) {
    return new ApiError(
      type,
      'This server checks request signatures: enter its access key under "Credentials" (top right).',
      res.status,
    );
  }
  return new ApiError(type, body.message || body.Message || text, res.status);
}

async function rpc(target, contentType, op, input) {
  const res = await send('/', {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-amz-target': `${target}.${op}` },
    body: JSON.stringify(input ?? {}),
  });
  if (!res.ok) throw await failure(res);
  return res.json();
}

/** A Kinesis Data Streams operation (AWS JSON 1.1). Blobs are base64 strings. */
export const kinesis = (op, input) => rpc('Kinesis_20131202', 'application/x-amz-json-1.1', op, input);

/** An SQS operation (AWS JSON 1.0). */
export const sqs = (op, input) => rpc('AmazonSQS', 'application/x-amz-json-1.0', op, input);

/** A CloudWatch operation (AWS JSON 1.0); timestamps are epoch seconds. */
export const cloudwatch = (op, input) =>
  rpc('GraniteServiceVersion20100801', 'application/x-amz-json-1.0', op, input);

/** A REST call (Lambda's API or Tributary's /_tributary/ endpoints) answering JSON. */
export async function rest(method, path, body) {
  const res = await send(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await failure(res);
  const text = await res.text();
  return text === '' ? {} : JSON.parse(text);
}

export const enc = encodeURIComponent;

/**
 * A one-time sign-in link's token exchanged for temporary credentials (POST /_tributary/console/login, the one call
 * a tab makes before it has a key): `{accessKeyId, secretAccessKey, sessionToken, expiration, region}`.
 */
export async function redeemLogin(token) {
  const r = await rest('POST', '/_tributary/console/login', { Token: token });
  const c = r.Credentials;
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
    region: r.Region,
  };
}

/**
 * Lambda Invoke (RequestResponse, the log tail asked for) of $LATEST or a version or alias: the payload as text, the
 * function error, the version that ran, the log.
 */
export async function invoke(functionName, payload, qualifier) {
  const q = qualifier ? `?Qualifier=${enc(qualifier)}` : '';
  const res = await send(`/2015-03-31/functions/${enc(functionName)}/invocations${q}`, {
    method: 'POST',
    headers: { 'x-amz-invocation-type': 'RequestResponse', 'x-amz-log-type': 'Tail' },
    body: payload,
  });
  if (!res.ok) throw await failure(res);
  const log = res.headers.get('x-amz-log-result');
  return {
    payload: await res.text(),
    functionError: res.headers.get('x-amz-function-error'),
    version: res.headers.get('x-amz-executed-version'),
    log: log ? fromBase64(log) : '',
  };
}

/** All pages of a paginated call: `next(token)` answers `{items, token}`. */
export async function allPages(next) {
  const out = [];
  let token;
  do {
    const page = await next(token);
    out.push(...page.items);
    token = page.token;
  } while (token);
  return out;
}

export async function listStreams() {
  return allPages(async (NextToken) => {
    const r = await kinesis('ListStreams', NextToken ? { NextToken } : {});
    return { items: r.StreamSummaries ?? [], token: r.HasMoreStreams ? r.NextToken : undefined };
  });
}

export async function listShards(StreamName) {
  return allPages(async (NextToken) => {
    const r = await kinesis('ListShards', NextToken ? { NextToken } : { StreamName });
    return { items: r.Shards ?? [], token: r.NextToken };
  });
}

export async function listFunctions() {
  return allPages(async (Marker) => {
    const r = await rest('GET', `/2015-03-31/functions/${Marker ? `?Marker=${enc(Marker)}` : ''}`);
    return { items: r.Functions ?? [], token: r.NextMarker };
  });
}

export async function listMappings(functionName) {
  return allPages(async (Marker) => {
    const q = new URLSearchParams();
    if (functionName) q.set('FunctionName', functionName);
    if (Marker) q.set('Marker', Marker);
    const r = await rest('GET', `/2015-03-31/event-source-mappings/?${q}`);
    return { items: r.EventSourceMappings ?? [], token: r.NextMarker };
  });
}

/**
 * CloudWatch series (GetMetricData), one per query: `{id, namespace, metric, dimensions, stat, fill?}`, over the last
 * `minutes` minutes at one-minute periods. Answers `{[id]: {t: epoch seconds[], v: number[], from, to}}`, oldest
 * first (`from` and `to` bound the time asked for, so a chart spans it however few points there are).
 */
export async function metricSeries(queries, minutes = 30) {
  const end = Math.ceil(Date.now() / 60000) * 60;
  const out = {};
  for (let i = 0; i < queries.length; i += 500) {
    const r = await cloudwatch('GetMetricData', {
      StartTime: end - minutes * 60,
      EndTime: end,
      ScanBy: 'TimestampAscending',
      MetricDataQueries: queries.slice(i, i + 500).map((q) => ({
        Id: q.id,
        MetricStat: {
          Metric: {
            Namespace: q.namespace,
            MetricName: q.metric,
            Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })),
          },
          Period: 60,
          Stat: q.stat,
        },
      })),
    });
    for (const s of r.MetricDataResults ?? []) {
      const t = (s.Timestamps ?? []).map((x) => (typeof x === 'number' ? x : Date.parse(x) / 1000));
      const from = end - minutes * 60;
      const q = queries.find((x) => x.id === s.Id);
      out[s.Id] =
        q?.fill === undefined
          ? { t, v: s.Values ?? [], from, to: end }
          : filled(t, s.Values ?? [], from, end, q.fill);
    }
  }
  return out;
}

/** A series with a point every minute, `value` where CloudWatch has none (a Sum of records: no datapoint is 0). */
function filled(t, v, from, to, value) {
  const at = new Map(t.map((x, i) => [x, v[i]]));
  const out = { t: [], v: [], from, to };
  for (let x = from; x < to; x += 60) {
    out.t.push(x);
    out.v.push(at.get(x) ?? value);
  }
  return out;
}

export function fromBase64(b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

export function toBase64(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}
