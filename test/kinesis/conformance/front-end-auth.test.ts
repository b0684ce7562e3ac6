import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { encode } from 'cbor-x';
import type { App } from '../../../src/app/app.js';
import { withServer } from '../../harness/helpers.js';
import { expectError, expectFrontEndXml, send, type Answer, type RawRequest } from './conformance-helpers.js';

/**
 * What AWS's front end answers before it checks a signature, and what it answers then (kinesalite
 * test/connection.js, recorded against Kinesis): requests nothing can route are a 403 in XML whether signatures are
 * checked or not (MissingAuthenticationToken unsigned, AccessDenied signed), a DELETE is hung up on; a target naming
 * no operation, an unreadable body and `application/json` are answered as such even unsigned; only then come
 * MissingAuthenticationToken, IncompleteSignature and InvalidSignature, in AWS's words. Each case over HTTP/1.1 and
 * HTTP/2, on a server that checks signatures (`--access-key-id`) and on one that does not (the default).
 */

const KEY = { accessKeyId: 'AKIATRIBUTARYTEST01', secretAccessKey: 'tributary-test-secret-0123456789' };
const JSON_11 = 'application/x-amz-json-1.1';
const LIST_STREAMS = { 'content-type': JSON_11, 'x-amz-target': 'Kinesis_20131202.ListStreams' };
/** Any signature: the front end answers before it checks one. */
const SIGNED = {
  authorization: 'AWS4-HMAC-SHA256 Credential=AKIATRIBUTARYTEST01/20261207/us-east-1/kinesis/aws4_request',
};
const MISSING_4 =
  "Authorization header requires 'Credential' parameter. " +
  "Authorization header requires 'Signature' parameter. " +
  "Authorization header requires 'SignedHeaders' parameter. " +
  "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
  'Authorization=X';
const QUERY_5 =
  "AWS query-string parameters must include 'X-Amz-Algorithm'. " +
  "AWS query-string parameters must include 'X-Amz-Credential'. " +
  "AWS query-string parameters must include 'X-Amz-Signature'. " +
  "AWS query-string parameters must include 'X-Amz-SignedHeaders'. " +
  "AWS query-string parameters must include 'X-Amz-Date'. " +
  'Re-examine the query-string parameters.';

/** The JSON 1.0 envelope `application/json` gets (status 200). */
function expectEnvelope(a: Answer, type: string, key: 'message' | 'Message', why: string): void {
  assert.equal(a.status, 200, why);
  assert.equal(a.headers['content-type'], 'application/json', why);
  assert.deepEqual(
    a.body,
    { Output: { __type: `com.amazon.coral.service#${type}`, [key]: null }, Version: '1.0' },
    why,
  );
}

/** Asserts that the server hung up on the request (h1: ECONNRESET; h2: the stream is reset). */
async function expectHangUp(app: App, req: RawRequest, why: string): Promise<void> {
  await assert.rejects(send(app, req), (err: NodeJS.ErrnoException) => {
    assert.ok(['ECONNRESET', 'ERR_HTTP2_STREAM_RESET'].includes(String(err.code)), `${why}: ${err.code}`);
    return true;
  });
}

for (const mode of ['signatures checked', 'signatures not checked'] as const) {
  describe(`conformance: the front end before authentication (${mode})`, () => {
    let app: App;
    withServer((a) => (app = a), mode === 'signatures checked' ? { ...KEY } : {});

    for (const transport of ['h1', 'h2'] as const) {
      it(`requests nothing routes get 403 in XML, unsigned MissingAuthenticationToken (${transport})`, async () => {
        const cases: Array<[string, RawRequest]> = [
          ['GET', { method: 'GET' }],
          ['PUT', { method: 'PUT' }],
          ['POST without a body', {}],
          ['OPTIONS without an Origin', { method: 'OPTIONS' }],
          ['a body without a content type', { body: '{}' }],
          [
            'a form body without an Action',
            { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' },
          ],
          ['x-amz-json-1.0 without a target', { headers: { 'content-type': 'application/x-amz-json-1.0' } }],
          [
            'a Kinesis target without a content type',
            { headers: { 'x-amz-target': LIST_STREAMS['x-amz-target'] } },
          ],
          ['GET with a Kinesis target', { method: 'GET', headers: LIST_STREAMS }],
        ];
        for (const [why, req] of cases) {
          const unsigned = await send(app, { ...req, transport });
          expectFrontEndXml(unsigned, 'MissingAuthenticationTokenException', why);
          const signed = await send(app, { ...req, transport, headers: { ...req.headers, ...SIGNED } });
          expectFrontEndXml(signed, 'AccessDeniedException', `${why}, signed`);
          const presigned = await send(app, { ...req, transport, path: '/?X-Amz-Algorithm' });
          expectFrontEndXml(presigned, 'AccessDeniedException', `${why}, presigned`);
        }
      });

      it(`a DELETE nothing routes is hung up on; Lambda's DELETEs are answered (${transport})`, async () => {
        await expectHangUp(app, { method: 'DELETE', transport }, 'DELETE /');
        await expectHangUp(app, { method: 'DELETE', transport, headers: SIGNED }, 'DELETE /, signed');
        // The server goes on answering, on the same port.
        expectFrontEndXml(
          await send(app, { method: 'GET', transport }),
          'MissingAuthenticationTokenException',
          'after',
        );
        const lambda = await send(app, { method: 'DELETE', path: '/2015-03-31/functions/nope', transport });
        assert.equal(lambda.status, mode === 'signatures checked' ? 403 : 404, lambda.raw.toString());
      });

      it(`an unknown target, an unreadable body and application/json are answered before any signature (${transport})`, async () => {
        for (const auth of [{}, { authorization: 'X' }, SIGNED]) {
          const why = `authorization ${JSON.stringify(auth)}`;
          const h = (extra: Record<string, string>): RawRequest => ({
            transport,
            headers: { ...extra, ...auth },
          });
          const noTarget = await send(app, h({ 'content-type': JSON_11 }));
          expectError(noTarget, { type: 'UnknownOperationException', key: 'none' }, `no target, ${why}`);
          const foreign = await send(app, {
            ...h({ 'content-type': JSON_11, 'x-amz-target': 'Nope_2013.ListStreams' }),
            body: '{}',
          });
          expectError(
            foreign,
            { type: 'UnknownOperationException', key: 'none' },
            `a target of no service, ${why}`,
          );
          const typo = await send(app, {
            ...h({ ...LIST_STREAMS, 'x-amz-target': 'Kinesis_20131202.ListStream' }),
            body: '{}',
          });
          expectError(
            typo,
            { type: 'UnknownOperationException', key: 'none' },
            `an unknown operation, ${why}`,
          );
          const noBody = await send(app, h(LIST_STREAMS));
          expectError(noBody, { type: 'SerializationException', key: 'none' }, `no body, ${why}`);
          const notJson = await send(app, { ...h(LIST_STREAMS), body: 'hello' });
          expectError(notJson, { type: 'SerializationException', key: 'none' }, `not JSON, ${why}`);
          const cbor = { ...LIST_STREAMS, 'content-type': 'application/x-amz-cbor-1.1' };
          const cborTypo = await send(app, {
            ...h({ ...cbor, 'x-amz-target': 'Kinesis_20131202.ListStream' }),
            body: Buffer.from(encode({})),
          });
          expectError(cborTypo, { type: 'UnknownOperationException', key: 'none' }, `CBOR, unknown, ${why}`);
          assert.equal(cborTypo.headers['content-type'], 'application/x-amz-cbor-1.1');
          const cborEmpty = await send(app, h(cbor));
          expectError(cborEmpty, { type: 'SerializationException', key: 'none' }, `CBOR, no body, ${why}`);
          const plain = { ...LIST_STREAMS, 'content-type': 'application/json' };
          expectEnvelope(
            await send(app, { ...h(plain), body: '{}' }),
            'UnknownOperationException',
            'message',
            why,
          );
          expectEnvelope(
            await send(app, { ...h(plain), body: 'hello' }),
            'SerializationException',
            'Message',
            why,
          );
          expectEnvelope(
            await send(app, h({ 'content-type': 'application/json' })),
            'UnknownOperationException',
            'message',
            why,
          );
        }
      });

      it(`the other JSON services answer an unknown operation and an unreadable body before any signature (${transport})`, async () => {
        const sqs = { 'content-type': 'application/x-amz-json-1.0' };
        const unknownSqs = await send(app, {
          transport,
          headers: { ...sqs, 'x-amz-target': 'AmazonSQS.Nope' },
          body: '{}',
        });
        expectError(unknownSqs, {
          type: 'UnknownOperationException',
          text: 'The action or operation requested is invalid. Verify that the action is typed correctly.',
        });
        const logs = { 'content-type': JSON_11, 'x-amz-target': 'Logs_20140328.DescribeLogGroups' };
        const badLogs = await send(app, { transport, headers: logs, body: '{"nope' });
        expectError(badLogs, { type: 'SerializationException' });
        // A readable request is then authenticated as any other.
        const readable = await send(app, { transport, headers: logs, body: '{}' });
        if (mode === 'signatures checked')
          expectError(readable, { type: 'MissingAuthenticationTokenException' });
        else assert.equal(readable.status, 200);
      });
    }

    it('after the front end, a signature is required and checked in AWS words, else the request is served', async () => {
      const body = '{}';
      const checked = mode === 'signatures checked';
      const incomplete = (text: string) => ({ type: 'IncompleteSignatureException', text });
      const want: Array<[string, RawRequest, { type: string; text: string }]> = [
        [
          'no signature',
          { headers: LIST_STREAMS },
          { type: 'MissingAuthenticationTokenException', text: 'Missing Authentication Token' },
        ],
        ['Authorization: X', { headers: { ...LIST_STREAMS, authorization: 'X' } }, incomplete(MISSING_4)],
        [
          'Authorization: X and a query missing X-Amz-Algorithm',
          { path: '/?X-Amz-Algorith', headers: { ...LIST_STREAMS, authorization: 'X' } },
          incomplete(MISSING_4),
        ],
        [
          'every query parameter but X-Amz-Algorithm',
          {
            path: '/?X-Amz-Credential=a&X-Amz-Signature=b&X-Amz-SignedHeaders=c&X-Amz-Date=d',
            headers: LIST_STREAMS,
          },
          { type: 'MissingAuthenticationTokenException', text: 'Missing Authentication Token' },
        ],
        [
          'both a header and a presigned query',
          { path: '/?X-Amz-Algorithm', headers: { ...LIST_STREAMS, authorization: 'X' } },
          {
            type: 'InvalidSignatureException',
            text: "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
          },
        ],
        [
          'an empty X-Amz-Algorithm',
          { path: '/?X-Amz-Algorithm', headers: LIST_STREAMS },
          incomplete(QUERY_5),
        ],
        [
          'a query without X-Amz-SignedHeaders',
          {
            path: '/?X-Amz-Algorithm=a&X-Amz-Credential=b&X-Amz-Signature=c&X-Amz-Date=d',
            headers: LIST_STREAMS,
          },
          incomplete(
            "AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.",
          ),
        ],
      ];
      for (const a of [
        'AWS4- Signature=b Credential=a',
        'AWS4- Signature=b,Credential=a',
        'AWS4- Signature=b, Credential=a',
      ]) {
        want.push([
          a,
          { headers: { ...LIST_STREAMS, authorization: a, date: 'a' } },
          incomplete(`Authorization header requires 'SignedHeaders' parameter. Authorization=${a}`),
        ]);
      }
      for (const [why, req, error] of want) {
        const a = await send(app, { ...req, body });
        if (checked) expectError(a, error, why);
        else
          assert.equal(
            a.status,
            200,
            `${why}: without signature checks any request is served (${a.raw.toString()})`,
          );
      }
    });
  });
}
