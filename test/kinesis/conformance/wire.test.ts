import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { decode } from 'cbor-x';
import type { App } from '../../../src/app/app.js';
import { withServer } from '../../harness/helpers.js';
import { call, expectError, expectFrontEndXml, send, type Answer } from './conformance-helpers.js';

/**
 * Requests no SDK sends, answered as AWS's front end answers them (kinesalite test/connection.js, recorded
 * against Kinesis): other methods, missing or foreign content types, empty and unreadable bodies,
 * `application/json`, targets naming no operation.
 */

const JSON_11 = 'application/x-amz-json-1.1';
const CBOR_11 = 'application/x-amz-cbor-1.1';
const LIST_STREAMS = 'Kinesis_20131202.ListStreams';
/** Any Authorization header: the front end answers before it checks one (front-end-auth.test.ts). */
const SIGNED = { authorization: 'AWS4-HMAC-SHA256 Credential=test/20261207/us-east-1/kinesis/aws4_request' };

/** AWS's 403 AccessDeniedException (signed) or MissingAuthenticationTokenException (unsigned): bare XML. */
function expectAccessDenied(a: Answer, why: string): void {
  expectFrontEndXml(a, 'AccessDeniedException', why);
}

/** The JSON 1.0 envelope AWS answers `application/json` with (status 200). */
function expectEnvelope(a: Answer, type: string, key: 'message' | 'Message', why: string): void {
  assert.equal(a.status, 200, why);
  assert.equal(a.headers['content-type'], 'application/json', why);
  assert.deepEqual(a.body, {
    Output: { __type: `com.amazon.coral.service#${type}`, [key]: null },
    Version: '1.0',
  });
}

describe('conformance: requests SDKs do not send', () => {
  let app: App;
  withServer((a) => (app = a));

  it('GET, PUT and DELETE get 403 AccessDeniedException in XML, MissingAuthenticationToken unsigned', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const targeted = { 'x-amz-target': LIST_STREAMS };
      expectAccessDenied(
        await send(app, { method, headers: { ...targeted, ...SIGNED } }),
        `${method} signed`,
      );
      const unsigned = await send(app, { method, headers: targeted });
      expectFrontEndXml(unsigned, 'MissingAuthenticationTokenException', `${method} unsigned`);
    }
    for (const method of ['GET', 'PUT'])
      expectAccessDenied(await send(app, { method, headers: SIGNED }), method);
  });

  it('a POST without a readable content type gets AccessDenied, or 404 UnknownOperationException naming one', async () => {
    expectAccessDenied(await send(app, { headers: SIGNED }), 'no body, no headers');
    expectAccessDenied(await send(app, { headers: SIGNED, body: '{}' }), 'a body and no content type');
    const json10 = await send(app, { headers: { ...SIGNED, 'content-type': 'application/x-amz-json-1.0' } });
    expectAccessDenied(json10, 'x-amz-json-1.0, no body');
    const typo = await send(app, { headers: { ...SIGNED, 'x-amz-target': 'Kinesis_20131202.ListStream' } });
    expectAccessDenied(typo, 'an unknown target, no body');
    const noType = await send(app, { headers: { ...SIGNED, 'x-amz-target': LIST_STREAMS } });
    expectAccessDenied(noType, 'a target and no content type');
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream']) {
      const a = await send(app, {
        headers: { 'content-type': type, 'x-amz-target': LIST_STREAMS },
        body: '{}',
      });
      assert.equal(a.status, 404, type);
      assert.equal(a.raw.toString(), '<UnknownOperationException/>\n', type);
    }
  });

  it('an empty JSON 1.1 body is a bare SerializationException, or UnknownOperationException without a known target', async () => {
    const noBody = await send(app, { headers: { 'content-type': JSON_11, 'x-amz-target': LIST_STREAMS } });
    expectError(noBody, { type: 'SerializationException', key: 'none' }, 'a target and no body');
    assert.equal(noBody.headers['content-type'], JSON_11);
    const noTarget = await send(app, { headers: { 'content-type': JSON_11 } });
    expectError(noTarget, { type: 'UnknownOperationException', key: 'none' }, 'no target');
    const unknown = await send(app, {
      headers: { 'content-type': JSON_11, 'x-amz-target': 'Kinesis_20131202.ListStream' },
    });
    expectError(unknown, { type: 'UnknownOperationException', key: 'none' }, 'an unknown target');
  });

  it('a JSON 1.1 body that is not JSON is a bare SerializationException; a list names the list', async () => {
    for (const body of ['hello', '{"StreamName": "x",', '"text"', '42', 'null']) {
      const a = await send(app, { headers: { 'content-type': JSON_11, 'x-amz-target': LIST_STREAMS }, body });
      expectError(a, { type: 'SerializationException', key: 'none' }, body);
    }
    const list = await call(app, 'ListStreams', []);
    expectError(list, {
      type: 'SerializationException',
      key: 'Message',
      text: 'Start of list found where not expected',
    });
  });

  it('a readable body naming no operation is a bare UnknownOperationException, in JSON 1.1 and CBOR', async () => {
    expectError(
      await call(app, 'ListStream', {}),
      { type: 'UnknownOperationException', key: 'none' },
      'json',
    );
    expectError(
      await call(app, 'ListStream', {}, 'cbor'),
      { type: 'UnknownOperationException', key: 'none' },
      'cbor',
    );
    expectError(
      await call(app, '__proto__', {}),
      { type: 'UnknownOperationException', key: 'none' },
      'proto',
    );
    const noTarget = await send(app, { headers: { 'content-type': JSON_11 }, body: '{}' });
    expectError(noTarget, { type: 'UnknownOperationException', key: 'none' }, 'no target');
  });

  it('application/json gets the JSON 1.0 envelope with status 200', async () => {
    const plain = { 'content-type': 'application/json' };
    expectEnvelope(await send(app, { headers: plain }), 'UnknownOperationException', 'message', 'no target');
    const targeted = { ...plain, 'x-amz-target': LIST_STREAMS };
    expectEnvelope(await send(app, { headers: targeted }), 'UnknownOperationException', 'message', 'no body');
    const json = await send(app, { headers: targeted, body: '{}' });
    expectEnvelope(json, 'UnknownOperationException', 'message', 'a JSON body');
    const notJson = await send(app, { headers: targeted, body: 'hello' });
    expectEnvelope(notJson, 'SerializationException', 'Message', 'a body that is not JSON');
  });

  it('an empty CBOR body is a bare SerializationException in CBOR', async () => {
    // kinesalite answers it with a CBOR map holding __type only; the same rule as JSON 1.1.
    const a = await send(app, { headers: { 'content-type': CBOR_11, 'x-amz-target': LIST_STREAMS } });
    assert.equal(a.status, 400);
    assert.equal(a.headers['content-type'], CBOR_11);
    assert.deepEqual(decode(a.raw), { __type: 'SerializationException' });
  });

  it('every answer carries x-amz-id-2 (72 to 80 bytes, base64), errors and refusals too, not a preflight', async () => {
    const answers: Array<[string, Answer]> = [
      ['json', await call(app, 'ListStreams', {})],
      ['cbor', await call(app, 'ListStreams', {}, 'cbor')],
      ['error', await call(app, 'DescribeStream', { StreamName: 'nope' })],
      ['cbor error', await call(app, 'DescribeStream', { StreamName: 'nope' }, 'cbor')],
      ['serialization', await call(app, 'CreateStream', { StreamName: true })],
      ['refused', await send(app, { body: '{}' })],
      ['refused, signed', await send(app, { body: '{}', headers: SIGNED })],
      ['envelope', await send(app, { headers: { 'content-type': 'application/json' } })],
    ];
    const ids = new Set<string>();
    for (const [why, a] of answers) {
      const id = a.headers['x-amz-id-2'];
      assert.equal(typeof id, 'string', why);
      const bytes = Buffer.from(String(id), 'base64');
      assert.equal(bytes.toString('base64'), id, why);
      assert.ok(bytes.length >= 72 && bytes.length <= 80, `${why}: ${bytes.length} bytes`);
      ids.add(String(id));
    }
    assert.equal(ids.size, answers.length, 'one id per answer');
    const preflight = await send(app, { method: 'OPTIONS', headers: { origin: 'whatever' } });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers['x-amz-id-2'], undefined);
  });

  it('requests SDKs send are still served (JSON 1.1 and CBOR)', async () => {
    for (const encoding of ['json', 'cbor'] as const) {
      const a = await call(app, 'ListStreams', {}, encoding);
      assert.equal(a.status, 200, encoding);
      assert.deepEqual(a.body?.['StreamNames'], [], encoding);
    }
  });
});
