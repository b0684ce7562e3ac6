import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { KinesisClient, ListStreamsCommand, CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { SQSClient, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { SNSClient, ListTopicsCommand } from '@aws-sdk/client-sns';
import { CloudWatchClient, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import type { App } from '../../src/app/app.js';
import { compileServerOptions } from '../../src/server/options.js';
import { ConfigError } from '../../src/server/config-error.js';
import { canonicalRequest, parseSignedParts, signingKey, stringToSign } from '../../src/server/auth/sigv4.js';
import type { ApiRequest } from '../../src/server/http-types.js';
import { signedFetch } from '../../src/cli/signed-fetch.js';
import { region, startTestServer, transports, type Transport, withServer } from '../harness/helpers.js';
import { rawRequest, sendSigned, testSigner } from '../harness/sigv4-signing.js';

const exec = promisify(execFile);
const KEY = { accessKeyId: 'AKIATRIBUTARYTEST01', secretAccessKey: 'tributary-test-secret-0123456789' };
const WRONG_SECRET = { ...KEY, secretAccessKey: 'not-the-secret-at-all-0123456789' };
const UNKNOWN_KEY = { accessKeyId: 'AKIAUNKNOWNKEY00001', secretAccessKey: KEY.secretAccessKey };
type Creds = typeof KEY;

/** A request signed by the SDK's own signer (an independent implementation), then sent raw with fetch. */
async function signedRaw(
  app: App,
  o: {
    creds?: Creds;
    service: string;
    path?: string;
    headers: Record<string, string>;
    body: string;
    signingDate?: Date;
    sendBody?: string;
  },
): Promise<{ status: number; type: string | null; text: string }> {
  const signed = await testSigner(o.creds ?? KEY, o.service).sign(
    rawRequest(app.endpoint, { path: o.path ?? '/', headers: o.headers, body: o.body }),
    o.signingDate ? { signingDate: o.signingDate } : {},
  );
  return sendSigned(app.endpoint, signed, o.sendBody ?? o.body);
}

const kinesisTarget = (op: string): Record<string, string> => ({
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': `Kinesis_20131202.${op}`,
});

function clients(app: App, creds: Creds, transport: Transport) {
  const common = {
    endpoint: app.endpoint,
    region,
    credentials: creds,
    maxAttempts: 1,
    ...(transport === 'h1' ? { requestHandler: new NodeHttpHandler() } : {}),
  };
  return {
    kinesis: new KinesisClient(common),
    lambda: new LambdaClient(common),
    sqs: new SQSClient(common),
    sns: new SNSClient(common),
    cloudwatch: new CloudWatchClient(common),
  };
}

describe('SigV4: the signature computation', () => {
  it("matches AWS's published example (the SigV4 test suite's get-vanilla)", () => {
    const req: ApiRequest = {
      method: 'GET',
      path: '/',
      query: new URLSearchParams(),
      search: '',
      headers: {
        host: 'example.amazonaws.com',
        'x-amz-date': '20150830T123600Z',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
      },
      body: Buffer.alloc(0),
      httpVersion: '1.1',
      signal: new AbortController().signal,
      host: 'example.amazonaws.com',
      requestId: 'r',
    };
    const parts = parseSignedParts(req);
    assert.ok(!('kind' in parts), JSON.stringify(parts));
    const canonical = canonicalRequest(
      req,
      parts,
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    const key = signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20150830', 'us-east-1', 'service');
    const sig = createHmac('sha256', key).update(stringToSign(parts, canonical)).digest('hex');
    assert.equal(sig, parts.signature);
  });
});

describe('SigV4: the server checks every request when credentials are configured', () => {
  let app: App;
  withServer((a) => (app = a), { ...KEY });

  for (const transport of transports) {
    it(`valid requests from the SDK clients pass (${transport})`, async () => {
      const c = clients(app, KEY, transport);
      await c.kinesis.send(new CreateStreamCommand({ StreamName: `signed-${transport}`, ShardCount: 1 }));
      assert.ok(
        (await c.kinesis.send(new ListStreamsCommand({}))).StreamNames?.includes(`signed-${transport}`),
      );
      assert.ok(Array.isArray((await c.lambda.send(new ListFunctionsCommand({}))).Functions));
      await c.sqs.send(new ListQueuesCommand({}));
      await c.sns.send(new ListTopicsCommand({}));
      await c.cloudwatch.send(new ListMetricsCommand({}));
    });

    it(`a wrong secret is refused in each protocol's words (${transport})`, async () => {
      const c = clients(app, WRONG_SECRET, transport);
      const expect = async (p: Promise<unknown>, name: string, status: number): Promise<void> => {
        await assert.rejects(p, (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
          assert.equal(e.name, name);
          assert.equal(e.$metadata?.httpStatusCode, status);
          return true;
        });
      };
      await expect(c.kinesis.send(new ListStreamsCommand({})), 'InvalidSignatureException', 400);
      await expect(c.lambda.send(new ListFunctionsCommand({})), 'InvalidSignatureException', 403);
      await expect(c.sns.send(new ListTopicsCommand({})), 'SignatureDoesNotMatch', 403);
    });

    it(`an unknown access key is refused (${transport})`, async () => {
      const c = clients(app, UNKNOWN_KEY, transport);
      await assert.rejects(c.kinesis.send(new ListStreamsCommand({})), {
        name: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      });
      await assert.rejects(c.lambda.send(new ListFunctionsCommand({})), {
        name: 'UnrecognizedClientException',
      });
      await assert.rejects(c.sns.send(new ListTopicsCommand({})), { name: 'InvalidClientTokenId' });
    });
  }

  it('an unsigned request gets MissingAuthenticationToken; health stays open, status does not', async () => {
    const res = await fetch(app.endpoint, {
      method: 'POST',
      headers: kinesisTarget('ListStreams'),
      body: '{}',
    });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), {
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
    const q = await fetch(app.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=ListTopics&Version=2010-03-31',
    });
    assert.equal(q.status, 403);
    assert.match(await q.text(), /<Code>MissingAuthenticationToken<\/Code>/);
    assert.equal((await fetch(`${app.endpoint}/_tributary/health`)).status, 200);
    assert.equal((await fetch(`${app.endpoint}/_tributary/status`)).status, 400);
  });

  it('an Authorization header missing parts is IncompleteSignatureException, listing them as AWS does', async () => {
    const res = await fetch(app.endpoint, {
      method: 'POST',
      headers: { ...kinesisTarget('ListStreams'), authorization: 'AWS4-HMAC-SHA256 Foo=bar' },
      body: '{}',
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { __type: string; message: string };
    assert.equal(body.__type, 'IncompleteSignatureException');
    assert.equal(
      body.message,
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
        "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of " +
        "either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Foo=bar",
    );
  });

  it('a body changed after signing is refused: the server hashes what it received', async () => {
    const ok = await signedRaw(app, {
      service: 'kinesis',
      headers: kinesisTarget('ListStreams'),
      body: '{}',
    });
    assert.equal(ok.status, 200, ok.text);
    const tampered = await signedRaw(app, {
      service: 'kinesis',
      headers: kinesisTarget('ListStreams'),
      body: '{}',
      sendBody: '{"Limit":1}',
    });
    assert.equal(tampered.status, 400);
    assert.equal(tampered.type, 'InvalidSignatureException');
  });

  it('X-Amz-Content-Sha256 is not trusted: a header naming the hash of another body does not help', async () => {
    const claimed = createHash('sha256').update('{}').digest('hex');
    const res = await signedRaw(app, {
      service: 'kinesis',
      headers: { ...kinesisTarget('ListStreams'), 'x-amz-content-sha256': claimed },
      body: '{}',
      sendBody: '{"Limit":2}',
    });
    assert.equal(res.type, 'InvalidSignatureException');
  });

  it('a signature older than 15 minutes is refused with AWS\'s "Signature expired" text', async () => {
    const res = await signedRaw(app, {
      service: 'kinesis',
      headers: kinesisTarget('ListStreams'),
      body: '{}',
      signingDate: new Date(Date.now() - 20 * 60_000),
    });
    assert.equal(res.status, 400);
    assert.equal(res.type, 'InvalidSignatureException');
    assert.match(
      res.text,
      /Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)/,
    );
  });

  it('the AWS CLI and boto3 pass with the key and fail without it', async () => {
    const env = (c: Creds): NodeJS.ProcessEnv => ({
      ...process.env,
      AWS_ACCESS_KEY_ID: c.accessKeyId,
      AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
      AWS_DEFAULT_REGION: region,
      AWS_PAGER: '',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    const cli = (c: Creds) =>
      exec('aws', ['--endpoint-url', app.endpoint, 'kinesis', 'list-streams'], { env: env(c) });
    assert.match((await cli(KEY)).stdout, /signed-h2/);
    await assert.rejects(cli(WRONG_SECRET), /InvalidSignatureException/);
    const py = (c: Creds) =>
      exec(
        'python3',
        ['-c', `import boto3; print(boto3.client('kinesis', endpoint_url='${app.endpoint}').list_streams())`],
        { env: env(c) },
      );
    assert.match((await py(KEY)).stdout, /signed-h2/);
    await assert.rejects(py(UNKNOWN_KEY), /UnrecognizedClientException/);
    await assert.rejects(py(WRONG_SECRET), /InvalidSignatureException/);
  });

  it("`tributary status` signs its request with the server's key from TRIBUTARY_* variables", async () => {
    const env = {
      TRIBUTARY_ACCESS_KEY_ID: KEY.accessKeyId,
      TRIBUTARY_SECRET_ACCESS_KEY: KEY.secretAccessKey,
    };
    const res = await signedFetch(`${app.endpoint}/_tributary/status`, {}, env);
    assert.equal(res.status, 200);
    const bad = await signedFetch(
      `${app.endpoint}/_tributary/status`,
      {},
      { ...env, TRIBUTARY_SECRET_ACCESS_KEY: WRONG_SECRET.secretAccessKey },
    );
    assert.equal(bad.status, 400);
  });

  it('fuzzed Authorization headers are refused with a 4xx, never a crash', async () => {
    const part = fc.oneof(
      fc.string(),
      fc.constantFrom(
        'AWS4-HMAC-SHA256',
        'Credential=',
        `Credential=${KEY.accessKeyId}/20261207/us-east-1/kinesis/aws4_request`,
        'SignedHeaders=host;x-amz-date',
        'Signature=abc',
        ',',
        ' ',
        '=',
        '/',
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(part, { maxLength: 8 }), fc.option(fc.string()), async (parts, date) => {
        const headers: Record<string, string> = { ...kinesisTarget('ListStreams') };
        const auth = parts.join('').replace(/[^\x20-\x7e]/g, '');
        if (auth !== '') headers['authorization'] = auth;
        if (date !== null) headers['x-amz-date'] = date.replace(/[^\x20-\x7e]/g, '');
        const res = await fetch(app.endpoint, { method: 'POST', headers, body: '{}' });
        await res.arrayBuffer();
        assert.ok(res.status === 400 || res.status === 403, `status ${res.status} for ${auth}`);
      }),
      { numRuns: 150 },
    );
    assert.equal((await fetch(`${app.endpoint}/_tributary/health`)).status, 200);
  });
});

describe('SigV4: when checks are off and when the server refuses to start', () => {
  it('without credentials on loopback any credentials are accepted (local development)', async () => {
    const app = await startTestServer();
    try {
      const c = clients(app, WRONG_SECRET, 'h1');
      assert.ok(Array.isArray((await c.kinesis.send(new ListStreamsCommand({}))).StreamNames));
    } finally {
      await app.close();
    }
  });

  it('listening beyond loopback without credentials is refused, unless auth off is said explicitly', () => {
    assert.throws(
      () => compileServerOptions({ host: '0.0.0.0' }),
      (e: unknown) => e instanceof ConfigError && e.field === 'host' && /could run code/.test(e.message),
    );
    assert.equal(compileServerOptions({ host: '0.0.0.0', auth: 'off' }).auth, 'off');
    assert.equal(compileServerOptions({ host: '0.0.0.0', ...KEY }).auth, 'on');
    assert.equal(compileServerOptions({ host: '127.0.0.1' }).auth, 'off');
    assert.throws(() => compileServerOptions({ auth: 'on' }), { field: 'auth' });
    assert.throws(() => compileServerOptions({ accessKeyId: KEY.accessKeyId }), { field: 'secretAccessKey' });
  });
});
