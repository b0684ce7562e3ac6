import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import type { App } from '../../src/app/app.js';
import { region, transports, withServer } from '../harness/helpers.js';
import { rawRequest, sendSigned, testSigner } from '../harness/sigv4-signing.js';
import { createStream, registerConsumer, subscribe, text } from '../kinesis/efo-helpers.js';

const KEY = { accessKeyId: 'AKIATRIBUTARYTEST02', secretAccessKey: 'tributary-test-secret-9876543210' };
const WRONG = { ...KEY, secretAccessKey: 'not-the-secret-at-all-9876543210' };

/** A JSON-protocol call (Kinesis, SQS): its target header and content type. */
const json = (target: string, version: '1.0' | '1.1'): Record<string, string> => ({
  'content-type': `application/x-amz-json-${version}`,
  'x-amz-target': target,
});

/**
 * The SigV4 forms the SDKs and tools send besides the plain Authorization header: presigned query strings,
 * UNSIGNED-PAYLOAD, and the event stream of SubscribeToShard (whose request is signed normally; only the response
 * streams). The streaming upload form, STREAMING-AWS4-HMAC-SHA256-PAYLOAD (aws-chunked), is S3's: no SDK sends it to
 * Kinesis, Lambda, SQS, SNS or CloudWatch, so a request claiming it is refused like any other unverifiable hash.
 */
describe('SigV4: presigned query strings, UNSIGNED-PAYLOAD, streaming', () => {
  let app: App;
  withServer((a) => (app = a), { ...KEY });

  /** Presigns `o` with the SDK's signer (headers of the JSON protocols stay headers, signed) and sends it. */
  async function presigned(
    service: string,
    o: Parameters<typeof rawRequest>[1],
    opts: {
      expiresIn?: number;
      signingDate?: Date;
      creds?: typeof KEY;
      send?: string;
      tamper?: boolean;
    } = {},
  ) {
    const signed = await testSigner(opts.creds ?? KEY, service).presign(rawRequest(app.endpoint, o), {
      expiresIn: opts.expiresIn ?? 60,
      unhoistableHeaders: new Set(['x-amz-target', 'content-type']),
      ...(opts.signingDate ? { signingDate: opts.signingDate } : {}),
    });
    const query = signed.query as Record<string, string>;
    assert.ok(query['X-Amz-Signature'] && query['X-Amz-Credential'] && query['X-Amz-Expires']);
    if (opts.tamper)
      query['X-Amz-Signature'] = query['X-Amz-Signature'].replace(/^./, (c) => (c === '0' ? '1' : '0'));
    return sendSigned(app.endpoint, signed, opts.send ?? o.body);
  }

  const fiveMinutesAgo = (): Date => new Date(Date.now() - 5 * 60_000);

  it('a presigned Kinesis (AWS JSON) call is served until it expires; a changed body or signature is refused', async () => {
    const listStreams = { headers: json('Kinesis_20131202.ListStreams', '1.1'), body: '{}' };
    const ok = await presigned('kinesis', listStreams);
    assert.equal(ok.status, 200, ok.text);
    assert.match(ok.text, /"StreamNames"/);

    const late = await presigned('kinesis', listStreams, { signingDate: fiveMinutesAgo() });
    assert.equal(late.status, 400);
    assert.equal(late.type, 'InvalidSignatureException');
    assert.match(late.text, /Request has expired/);

    // The server hashes the body it received: a presigned URL does not let another body through.
    const otherBody = await presigned('kinesis', listStreams, { send: '{"Limit":1}' });
    assert.equal(otherBody.type, 'InvalidSignatureException');
    const tampered = await presigned('kinesis', listStreams, { tamper: true });
    assert.equal(tampered.type, 'InvalidSignatureException');
    const wrong = await presigned('kinesis', listStreams, { creds: WRONG });
    assert.equal(wrong.type, 'InvalidSignatureException');
  });

  it('a presigned SQS call is served in both its protocols (AWS JSON and query) until it expires', async () => {
    const asJson = { headers: json('AmazonSQS.ListQueues', '1.0'), body: '{}' };
    const ok = await presigned('sqs', asJson);
    assert.equal(ok.status, 200, ok.text);
    const late = await presigned('sqs', asJson, { signingDate: fiveMinutesAgo() });
    assert.equal(late.status, 400);
    assert.match(late.text, /"__type":"[^"]*InvalidSignatureException".*Request has expired/);

    const asQuery = { method: 'GET', query: { Action: 'ListQueues', Version: '2012-11-05' } };
    const q = await presigned('sqs', asQuery);
    assert.equal(q.status, 200, q.text);
    assert.match(q.text, /<ListQueuesResponse/);
    const qLate = await presigned('sqs', asQuery, { signingDate: fiveMinutesAgo() });
    assert.equal(qLate.status, 403);
    assert.match(qLate.text, /<Code>SignatureDoesNotMatch<\/Code><Message>Request has expired/);

    const sns = await presigned('sns', {
      method: 'GET',
      query: { Action: 'ListTopics', Version: '2010-03-31' },
    });
    assert.equal(sns.status, 200, sns.text);
  });

  it('UNSIGNED-PAYLOAD leaves the body out of the signature; STREAMING-AWS4-HMAC-SHA256-PAYLOAD is not trusted', async () => {
    const sign = async (payloadHash: string, body: string, send: string) =>
      sendSigned(
        app.endpoint,
        await testSigner(KEY, 'kinesis').sign(
          rawRequest(app.endpoint, {
            headers: { ...json('Kinesis_20131202.ListStreams', '1.1'), 'x-amz-content-sha256': payloadHash },
            body,
          }),
        ),
        send,
      );
    const unsigned = await sign('UNSIGNED-PAYLOAD', '{}', '{"Limit":1}');
    assert.equal(unsigned.status, 200, unsigned.text);
    const streaming = await sign('STREAMING-AWS4-HMAC-SHA256-PAYLOAD', '{}', '{}');
    assert.equal(streaming.status, 400);
    assert.equal(streaming.type, 'InvalidSignatureException');
  });

  it('fuzzed presigned query strings are refused with a 4xx, never a crash', async () => {
    const names = [
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Date',
      'X-Amz-Expires',
      'X-Amz-SignedHeaders',
    ];
    const value = fc.oneof(
      fc.string(),
      fc.constantFrom(
        'AWS4-HMAC-SHA256',
        `${KEY.accessKeyId}/20261207/us-east-1/sns/aws4_request`,
        '20261207T000000Z',
        'host',
        '604801',
        '0',
        '-1',
        '1e3',
        '%',
        '%E0%A4%A',
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...names, 'X-Amz-Signature'), value), async (params) => {
        const qs = Object.entries({ Action: 'ListTopics', 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', ...params })
          .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
          .join('&');
        const res = await fetch(`${app.endpoint}/?${qs}`);
        await res.arrayBuffer();
        assert.ok(res.status === 400 || res.status === 403, `status ${res.status} for ${qs}`);
      }),
      { numRuns: 100 },
    );
    assert.equal((await fetch(`${app.endpoint}/_tributary/health`)).status, 200);
  });

  for (const transport of transports) {
    it(`SubscribeToShard's request is signed like any other; its event stream flows (${transport})`, async () => {
      const client = (creds: typeof KEY) =>
        new KinesisClient({
          endpoint: app.endpoint,
          region,
          credentials: creds,
          maxAttempts: 1,
          ...(transport === 'h1' ? { requestHandler: new NodeHttpHandler() } : {}),
        });
      const k = client(KEY);
      const { streamArn, shardIds } = await createStream(k, `efo-signed-${transport}`);
      const consumerArn = await registerConsumer(k, streamArn, 'signed');
      await assert.rejects(subscribe(client(WRONG), consumerArn, shardIds[0]!, { Type: 'LATEST' }), {
        name: 'InvalidSignatureException',
      });
      const reader = await subscribe(k, consumerArn, shardIds[0]!, { Type: 'TRIM_HORIZON' });
      try {
        await k.send(
          new PutRecordCommand({ StreamARN: streamArn, PartitionKey: 'p', Data: Buffer.from('signed') }),
        );
        const { records } = await reader.records(1);
        assert.equal(text(records[0]!.Data), 'signed');
      } finally {
        await reader.close();
        k.destroy();
      }
    });
  }
});
