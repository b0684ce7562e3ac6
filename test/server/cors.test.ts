import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
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

  it('lets a page of another origin in headless chromium call Kinesis and read the request id', async (t) => {
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
    } finally {
      await browser.close();
      await new Promise((resolve) => page.close(resolve));
    }
  });
});
