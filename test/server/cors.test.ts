import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { build } from 'esbuild';
import type { App } from '../../src/app/app.js';
import { cannotRun, withServer } from '../harness/helpers.js';

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(
  app: App,
  method: string,
  path: string,
  headers: Record<string, string>,
  body = '',
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${app.endpoint}${path}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs in the browser page: three Kinesis calls with the headers the SDK sends, as `fetch` makes them. */
const PAGE_SCRIPT = `async function (url) {
  async function call(target, body) {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.' + target,
        'x-amz-date': '20261207T060000Z',
        authorization: 'AWS4-HMAC-SHA256 Credential=test/20261207/us-east-1/kinesis/aws4_request, ' +
          'SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00',
      },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      requestId: res.headers.get('x-amzn-requestid'),
      errorType: res.headers.get('x-amzn-errortype'),
      body: await res.text().then((t) => (t === '' ? null : JSON.parse(t))),
    };
  }
  return {
    created: await call('CreateStream', { StreamName: 'from-browser', ShardCount: 1 }),
    listed: await call('ListStreams', {}),
    missing: await call('DescribeStream', { StreamName: 'nope' }),
  };
}`;

const ORIGIN = 'http://app.example.com:8080';
const EXPOSED = ['x-amzn-requestid', 'x-amzn-errortype', 'x-amz-id-2'];

/**
 * The AWS SDK for JavaScript v3 as a browser script (its browser build: fetch, WebCrypto), bundled by esbuild (which
 * tsx brings) into a global `Sdk` the page uses.
 */
async function sdkBundle(): Promise<string> {
  const entry = `
    import { KinesisClient, CreateStreamCommand, DescribeStreamSummaryCommand, DescribeStreamCommand } from '@aws-sdk/client-kinesis';
    import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
    import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
    globalThis.Sdk = { KinesisClient, CreateStreamCommand, DescribeStreamSummaryCommand, DescribeStreamCommand,
      LambdaClient, ListFunctionsCommand, SQSClient, CreateQueueCommand, GetQueueAttributesCommand };`;
  const out = await build({
    stdin: { contents: entry, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    write: false,
    logLevel: 'error',
  });
  return out.outputFiles[0]!.text;
}

/** Runs in the browser page: the SDK's clients of one region (us-west-2) call Kinesis, Lambda and SQS. */
const SDK_PAGE_SCRIPT = `async function (endpoint) {
  const config = { endpoint, region: 'us-west-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const kinesis = new Sdk.KinesisClient(config);
  await kinesis.send(new Sdk.CreateStreamCommand({ StreamName: 'sdk-in-browser', ShardCount: 1 }));
  const summary = await kinesis.send(new Sdk.DescribeStreamSummaryCommand({ StreamName: 'sdk-in-browser' }));
  let missing;
  try {
    await kinesis.send(new Sdk.DescribeStreamCommand({ StreamName: 'nope' }));
  } catch (e) {
    missing = { name: e.name, status: e.$metadata.httpStatusCode, requestId: e.$metadata.requestId };
  }
  const functions = await new Sdk.LambdaClient(config).send(new Sdk.ListFunctionsCommand({}));
  const sqs = new Sdk.SQSClient(config);
  const { QueueUrl } = await sqs.send(new Sdk.CreateQueueCommand({ QueueName: 'sdk-in-browser' }));
  const attrs = await sqs.send(new Sdk.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return {
    streamArn: summary.StreamDescriptionSummary.StreamARN,
    requestId: summary.$metadata.requestId,
    missing,
    functions: functions.Functions,
    queueArn: attrs.Attributes.QueueArn,
  };
}`;

function assertCorsAnswer(r: Raw, what: string): void {
  assert.equal(r.headers['access-control-allow-origin'], '*', what);
  const exposed = String(r.headers['access-control-expose-headers']).toLowerCase().split(/,\s*/);
  for (const h of EXPOSED) assert.ok(exposed.includes(h), `${what} exposes ${h}: ${exposed.join(',')}`);
}

describe('CORS', () => {
  let app: App;
  withServer((a) => (app = a));

  it('answers a preflight to any service 200 with *, the asked method and headers, and max-age 172800', async () => {
    for (const path of ['/', '/2015-03-31/functions/', '/2015-03-31/event-source-mappings/', '/queue/x']) {
      const r = await request(app, 'OPTIONS', path, {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers':
          'authorization,content-type,x-amz-date,x-amz-target,x-amz-user-agent',
      });
      assert.equal(r.status, 200, path);
      assert.equal(r.headers['access-control-allow-origin'], '*', path);
      assert.equal(r.headers['access-control-allow-methods'], 'POST', path);
      assert.equal(
        r.headers['access-control-allow-headers'],
        'authorization,content-type,x-amz-date,x-amz-target,x-amz-user-agent',
        path,
      );
      assert.equal(r.headers['access-control-max-age'], '172800', path);
      assert.equal(r.body, '', path);
    }
  });

  it('lists the methods and headers the APIs take to a preflight that names none', async () => {
    const r = await request(app, 'OPTIONS', '/', { origin: ORIGIN });
    assert.equal(r.status, 200);
    const methods = String(r.headers['access-control-allow-methods']).split(/,\s*/);
    for (const m of ['GET', 'POST', 'PUT', 'DELETE']) assert.ok(methods.includes(m), m);
    const headers = String(r.headers['access-control-allow-headers']).split(/,\s*/);
    for (const h of ['authorization', 'content-type', 'x-amz-target', 'x-amz-date', 'x-amz-security-token']) {
      assert.ok(headers.includes(h), h);
    }
  });

  it('puts Allow-Origin and Expose-Headers on answers and errors of Kinesis, Lambda, SQS, SNS and CloudWatch', async () => {
    const json = (target: string, body: string): Promise<Raw> =>
      request(
        app,
        'POST',
        '/',
        { origin: ORIGIN, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
        body,
      );
    const form = (body: string): Promise<Raw> =>
      request(
        app,
        'POST',
        '/',
        { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      );
    const cases: Array<[string, Promise<Raw>, number]> = [
      ['Kinesis ListStreams', json('Kinesis_20131202.ListStreams', '{}'), 200],
      ['Kinesis error', json('Kinesis_20131202.DescribeStream', '{"StreamName":"nope"}'), 400],
      ['Lambda ListFunctions', request(app, 'GET', '/2015-03-31/functions/', { origin: ORIGIN }), 200],
      ['Lambda error', request(app, 'GET', '/2015-03-31/functions/nope', { origin: ORIGIN }), 404],
      ['SQS ListQueues', form('Action=ListQueues&Version=2012-11-05'), 200],
      ['SNS ListTopics', form('Action=ListTopics&Version=2010-03-31'), 200],
      ['CloudWatch ListMetrics', form('Action=ListMetrics&Version=2010-08-01'), 200],
      ['unknown path', request(app, 'GET', '/nowhere', { origin: ORIGIN }), 404],
    ];
    for (const [what, pending, status] of cases) {
      const r = await pending;
      assert.equal(r.status, status, `${what}: ${r.body}`);
      assertCorsAnswer(r, what);
    }
  });

  it('answers a preflight over cleartext HTTP/2 too', async () => {
    const session = http2.connect(app.endpoint);
    try {
      const headers = await new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
        const s = session.request({
          ':method': 'OPTIONS',
          ':path': '/',
          origin: ORIGIN,
          'access-control-request-method': 'POST',
        });
        s.on('response', resolve);
        s.on('error', reject);
        s.resume();
        s.end();
      });
      assert.equal(headers[':status'], 200);
      assert.equal(headers['access-control-allow-origin'], '*');
      assert.equal(headers['access-control-max-age'], '172800');
    } finally {
      session.close();
    }
  });

  it('lets a page of another origin in headless chromium call Kinesis, and the AWS SDK call Kinesis, Lambda and SQS', async (t) => {
    const executablePath = '/usr/bin/chromium';
    if (!existsSync(executablePath))
      return cannotRun(t, 'Debian chromium is not installed (apt-get install chromium)');
    // The page's own origin: a second server, so that the call to Tributary is cross-origin and preflighted.
    const page = http.createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<p>'),
    );
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    const pageUrl = `http://127.0.0.1:${(page.address() as { port: number }).port}/`;
    const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    try {
      const tab = await browser.newPage();
      await tab.goto(pageUrl);
      // localhost is another origin than 127.0.0.1:<page port>.
      const endpoint = app.endpoint.replace('127.0.0.1', 'localhost');
      // The page's script is text (tsx would name the test's functions with a helper the page lacks).
      const result = (await tab.evaluate(`(${PAGE_SCRIPT})(${JSON.stringify(endpoint)})`)) as Record<
        'created' | 'listed' | 'missing',
        Record<string, unknown>
      >;
      assert.equal(result.created['status'], 200);
      assert.equal(result.listed['status'], 200);
      assert.deepEqual((result.listed['body'] as { StreamNames: string[] }).StreamNames, ['from-browser']);
      assert.match(String(result.listed['requestId']), /^[0-9a-f-]{36}$/);
      assert.equal(result.missing['status'], 400);
      assert.match(String(result.missing['errorType']), /^ResourceNotFoundException/);

      // The AWS SDK itself, from the same cross-origin page: its requests are preflighted, signed for us-west-2,
      // and it reads the request ids and error types the answers expose.
      await tab.addScriptTag({ content: await sdkBundle() });
      const sdk = (await tab.evaluate(`(${SDK_PAGE_SCRIPT})(${JSON.stringify(endpoint)})`)) as {
        streamArn: string;
        requestId: string;
        missing?: { name: string; status: number; requestId: string };
        functions: unknown[];
        queueArn: string;
      };
      assert.equal(sdk.streamArn, 'arn:aws:kinesis:us-west-2:000000000000:stream/sdk-in-browser');
      assert.match(sdk.requestId, /^[0-9a-f-]{36}$/);
      assert.equal(sdk.missing?.name, 'ResourceNotFoundException');
      assert.equal(sdk.missing?.status, 400);
      assert.match(sdk.missing?.requestId ?? '', /^[0-9a-f-]{36}$/);
      assert.deepEqual(sdk.functions, []);
      assert.equal(sdk.queueArn, 'arn:aws:sqs:us-west-2:000000000000:sdk-in-browser');
    } finally {
      await browser.close();
      await new Promise((resolve) => page.close(resolve));
    }
  });
});
