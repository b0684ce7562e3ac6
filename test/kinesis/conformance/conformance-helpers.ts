import { strict as assert } from 'node:assert';
import { request } from 'node:http';
import { connect, constants as h2 } from 'node:http2';
import { decode, encode } from 'cbor-x';
import type { App } from '../../../src/app/app.js';

/**
 * The conformance suite states AWS's answer for each case: the status, the error type, the key its message is
 * under and the text. The answers are Kinesis's own, recorded in kinesalite's tests (written against AWS, mhart/
 * kinesalite test/*.js) unless a case says otherwise. Requests go over raw HTTP, as JSON 1.1 and as CBOR.
 */

export type Encoding = 'json' | 'cbor';
export const encodings: Encoding[] = ['json', 'cbor'];

const CONTENT_TYPE: Record<Encoding, string> = {
  json: 'application/x-amz-json-1.1',
  cbor: 'application/x-amz-cbor-1.1',
};

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as sent. */
  raw: Buffer;
  /** The body decoded from JSON or CBOR (undefined when empty or not decodable). */
  body: Record<string, unknown> | undefined;
  transport: 'h1' | 'h2';
}

/** A request as sent: any method, path (with its query), headers and body, over HTTP/1.1 (default) or HTTP/2. */
export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  transport?: 'h1' | 'h2';
}

/** The answer as decoded from the bytes received. */
function answer(
  transport: Answer['transport'],
  status: number,
  headers: Answer['headers'],
  raw: Buffer,
): Answer {
  const type = String(headers['content-type'] ?? '');
  let body: Record<string, unknown> | undefined;
  if (raw.length > 0) {
    try {
      body = (type.includes('cbor') ? decode(raw) : JSON.parse(raw.toString())) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
  }
  return { status, headers, raw, body, transport };
}

/** One request to the server as given; rejects when the server hangs up (h1: ECONNRESET, h2: a reset stream). */
export function send(app: App, opts: RawRequest): Promise<Answer> {
  return opts.transport === 'h2' ? sendH2(app, opts) : sendH1(app, opts);
}

function sendH1(app: App, opts: RawRequest): Promise<Answer> {
  const url = new URL(opts.path ?? '/', app.endpoint);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'POST', headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve(answer('h1', res.statusCode ?? 0, res.headers, Buffer.concat(chunks))));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

function sendH2(app: App, opts: RawRequest): Promise<Answer> {
  const session = connect(app.endpoint);
  return new Promise<Answer>((resolve, reject) => {
    session.on('error', reject);
    const stream = session.request({
      ':method': opts.method ?? 'POST',
      ':path': opts.path ?? '/',
      ...(opts.headers ?? {}),
    });
    const chunks: Buffer[] = [];
    let status = 0;
    let headers: Answer['headers'] = {};
    stream.on('response', (h) => {
      status = Number(h[':status']);
      headers = Object.fromEntries(Object.entries(h).filter(([k]) => !k.startsWith(':')));
    });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', reject);
    stream.on('close', () => {
      if (stream.rstCode !== h2.NGHTTP2_NO_ERROR)
        reject(
          Object.assign(new Error(`stream reset (${stream.rstCode})`), { code: 'ERR_HTTP2_STREAM_RESET' }),
        );
      else resolve(answer('h2', status, headers, Buffer.concat(chunks)));
    });
    stream.end(opts.body);
  }).finally(() => session.close());
}

/** A Kinesis operation with `input` encoded as JSON 1.1 or CBOR. */
export function call(
  app: App,
  operation: string,
  input: unknown,
  encoding: Encoding = 'json',
): Promise<Answer> {
  return send(app, {
    headers: {
      'content-type': CONTENT_TYPE[encoding],
      'x-amz-target': `Kinesis_20131202.${operation}`,
    },
    body: encoding === 'json' ? JSON.stringify(input) : Buffer.from(encode(input)),
  });
}

/** What AWS answers: status (400 unless said), type, the message's key (none: the body names the type only). */
export interface Expected {
  status?: number;
  type: string;
  key?: 'message' | 'Message' | 'none';
  text?: string | RegExp;
}

/** Asserts that `a` is the AWS error `want`, with nothing else in its body. */
export function expectError(a: Answer, want: Expected, why = ''): void {
  const key = want.key ?? 'message';
  const label = `${why}: ${a.raw.toString().slice(0, 400)}`;
  assert.equal(a.status, want.status ?? 400, label);
  assert.equal(a.headers['x-amzn-errortype'], want.type, label);
  assert.ok(a.body, `a decodable error body: ${label}`);
  assert.equal(a.body['__type'], want.type, label);
  const keys = Object.keys(a.body).sort();
  assert.deepEqual(keys, key === 'none' ? ['__type'] : [key, '__type'].sort(), label);
  if (key !== 'none' && want.text !== undefined) {
    const text = a.body[key];
    if (typeof want.text === 'string') assert.equal(text, want.text, label);
    else assert.match(String(text), want.text, label);
  }
}

/** Asserts the list of "N validation errors detected" in any order (AWS's order is not stable, kinesalite's). */
export function expectViolations(a: Answer, violations: string[], why = ''): void {
  expectError(a, { type: 'ValidationException' }, why);
  const text = String(a.body!['message']);
  const n = violations.length;
  const prefix = `${n} validation error${n === 1 ? '' : 's'} detected: `;
  assert.ok(text.startsWith(prefix), `${why}: ${text}`);
  assert.deepEqual(text.slice(prefix.length).split('; ').sort(), [...violations].sort(), why);
}

/** The XML AWS's front end answers a request it cannot route (403, no content type): its type and message. */
export const FRONT_END_XML = {
  MissingAuthenticationTokenException: 'Missing Authentication Token',
  AccessDeniedException: 'Unable to determine service/operation name to be authorized',
} as const;

/** Asserts AWS's 403 in bare XML, exactly as recorded: no content type, a request id and an `x-amz-id-2`. */
export function expectFrontEndXml(a: Answer, type: keyof typeof FRONT_END_XML, why: string): void {
  const xml = `<${type}>\n  <Message>${FRONT_END_XML[type]}</Message>\n</${type}>\n`;
  assert.equal(a.status, 403, why);
  assert.equal(a.raw.toString(), xml, why);
  assert.equal(a.headers['content-type'], undefined, why);
  // HTTP/1.1 frames the body by its length, as AWS's answer; HTTP/2 by its frames.
  if (a.transport === 'h1') assert.equal(a.headers['content-length'], String(Buffer.byteLength(xml)), why);
  assert.match(
    String(a.headers['x-amzn-requestid']),
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    why,
  );
  const id2 = Buffer.from(String(a.headers['x-amz-id-2']), 'base64');
  assert.ok(id2.length >= 72 && id2.length <= 80, `${why}: x-amz-id-2 of ${id2.length} bytes`);
}
