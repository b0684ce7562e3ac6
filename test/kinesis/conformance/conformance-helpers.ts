import { strict as assert } from 'node:assert';
import { request } from 'node:http';
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
}

/** One HTTP/1.1 request to the server as given (any method, headers and body). */
export function send(
  app: App,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<Answer> {
  const url = new URL(opts.path ?? '/', app.endpoint);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'POST', headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const type = String(res.headers['content-type'] ?? '');
        let body: Record<string, unknown> | undefined;
        if (raw.length > 0) {
          try {
            body = (type.includes('cbor') ? decode(raw) : JSON.parse(raw.toString())) as Record<
              string,
              unknown
            >;
          } catch {
            body = undefined;
          }
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, raw, body });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
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
