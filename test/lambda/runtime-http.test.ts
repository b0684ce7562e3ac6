import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MAX_RESPONSE_BYTES } from '../../src/runtime/invocation.js';
import { RuntimeApiServer } from '../../src/runtime/runtime-api-server.js';

/**
 * The Runtime API's HTTP/1.1 is hand-written (runtime-http.ts): these hold it to what runtime clients send —
 * chunked bodies, Expect, HTTP/1.0, Connection: close — and to a clear 400 for what is not HTTP.
 */
describe('Runtime API HTTP/1.1', () => {
  const posted: Array<{ id: string; body: string; headers: Record<string, unknown> }> = [];
  const tooLarge: string[] = [];
  let server: RuntimeApiServer;
  let host: string;
  let port: number;
  /** `/TOKEN`: every request's path starts with the worker's token. */
  let prefix: string;
  before(async () => {
    server = new RuntimeApiServer({
      next: () =>
        Promise.resolve({ headers: { 'lambda-runtime-aws-request-id': 'r1' }, body: Buffer.from('{}') }),
      response: (id, body, headers) => {
        posted.push({ id, body: body.toString(), headers: { ...headers } });
        return { status: 202, body: { status: 'OK' } };
      },
      error: () => ({ status: 202, body: { status: 'OK' } }),
      initError: () => ({ status: 202, body: { status: 'OK' } }),
      responseTooLarge: (id) => void tooLarge.push(id),
      activate: () => new Promise(() => undefined),
    });
    const m = /^([^:]+):(\d+)(\/.+)$/.exec(await server.listen())!;
    host = m[1]!;
    port = Number(m[2]);
    prefix = m[3]!;
  });
  after(() => server.close());

  /** Opens a connection, writes `pieces` one by one (each its own TCP write), returns all it reads until close
   * or until `until` matches. */
  async function exchange(
    pieces: Array<string | Buffer>,
    until?: RegExp,
  ): Promise<{ text: string; closed: boolean }> {
    const socket = net.connect({ host, port, noDelay: true });
    await once(socket, 'connect');
    let text = '';
    let closed = false;
    const done = new Promise<void>((resolve) => {
      socket.on('data', (c: Buffer) => {
        text += c.toString('latin1');
        if (until?.test(text)) resolve();
      });
      socket.on('close', () => {
        closed = true;
        resolve();
      });
      socket.on('error', () => undefined);
    });
    for (const p of pieces) {
      socket.write(p);
      await new Promise((r) => setImmediate(r));
    }
    await done;
    socket.destroy();
    return { text, closed };
  }

  const post = () => `POST ${prefix}/2018-06-01/runtime/invocation/r1/response HTTP/1.1\r\nhost: x\r\n`;

  it('reads a chunked body sent in pieces, with chunk extensions and trailers', async () => {
    posted.length = 0;
    const { text } = await exchange(
      [
        post() + 'Transfer-Encoding: chunked\r\nX-Repeated: a\r\nx-repeated: b\r\n\r\n',
        '5;ext=1\r\n{"a":',
        '\r\n',
        'A\r\n"chunked"}\r\n0\r\n',
        'trailer: yes\r\n\r\n',
      ],
      /\{"status":"OK"\}/,
    );
    assert.match(text, /^HTTP\/1\.1 202 Accepted\r\n/);
    assert.match(text, /content-length: 15\r\n/);
    assert.deepEqual(
      posted.map((p) => [p.id, p.body, p.headers['x-repeated']]),
      [['r1', '{"a":"chunked"}', 'a, b']],
    );
  });

  it('answers Expect: 100-continue before the body is sent', async () => {
    posted.length = 0;
    const socket = net.connect({ host, port });
    await once(socket, 'connect');
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    socket.write(post() + 'content-length: 2\r\nExpect: 100-continue\r\n\r\n');
    while (!text.includes('\r\n\r\n')) await once(socket, 'data');
    assert.equal(text, 'HTTP/1.1 100 Continue\r\n\r\n');
    socket.write('{}');
    while (!text.includes('{"status":"OK"}')) await once(socket, 'data');
    socket.destroy();
    assert.deepEqual(
      posted.map((p) => p.body),
      ['{}'],
    );
  });

  it('closes after answering HTTP/1.0 without keep-alive, or a request with Connection: close', async () => {
    const old = await exchange([`GET ${prefix}/2018-06-01/runtime/invocation/next HTTP/1.0\r\n\r\n`]);
    assert.ok(old.closed);
    assert.match(old.text, /^HTTP\/1\.1 200 OK\r\n[\s\S]*connection: close\r\n\r\n\{\}$/);
    const close = await exchange([post() + 'content-length: 2\r\nconnection: close\r\n\r\n{}']);
    assert.ok(close.closed);
    assert.match(close.text, /^HTTP\/1\.1 202 Accepted\r\n[\s\S]*connection: close\r\n/);
  });

  it('answers 400 and closes the connection for what is not an HTTP request', async () => {
    for (const bad of [
      'HELLO\r\n\r\n',
      'GET /x HTTP/2.0\r\n\r\n',
      'GET /x HTTP/1.1\r\nno colon here\r\n\r\n',
      post() + 'content-length: 2\r\ncontent-length: 3\r\n\r\n{}',
      post() + 'content-length: -1\r\n\r\n',
      post() + 'transfer-encoding: gzip\r\n\r\n',
      post() + 'transfer-encoding: chunked\r\n\r\nzz\r\n',
    ]) {
      const { text, closed } = await exchange([bad]);
      assert.match(text, /^HTTP\/1\.1 400 Bad Request\r\n/, JSON.stringify(bad));
      assert.ok(closed, JSON.stringify(bad));
    }
  });

  it("answers 403 and nothing else to a request without the worker's token, or with a wrong one", async () => {
    posted.length = 0;
    const wrong = prefix.replace(/[0-9a-f]$/, (c) => (c === '0' ? '1' : '0'));
    for (const path of [
      '/2018-06-01/runtime/invocation/next',
      `${wrong}/2018-06-01/runtime/invocation/next`,
      `${prefix.slice(0, -1)}/2018-06-01/runtime/invocation/next`,
      `${prefix}x/2018-06-01/runtime/invocation/next`,
      `/x${prefix}/2018-06-01/runtime/invocation/next`,
    ]) {
      const { text } = await exchange([`GET ${path} HTTP/1.1\r\nhost: x\r\n\r\n`], /\r\n\r\n[\s\S]*\}$/);
      assert.match(text, /^HTTP\/1\.1 403 Forbidden\r\n/, path);
      assert.doesNotMatch(text, /lambda-runtime|r1/, path);
    }
    const { text } = await exchange([
      `POST /2018-06-01/runtime/invocation/r1/response HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}`,
    ]);
    assert.match(text, /^HTTP\/1\.1 403 Forbidden\r\n[\s\S]*"errorType":"AccessDenied"/);
    assert.deepEqual(posted, [], 'a result without the token reaches no invocation');
  });

  it('refuses a request head over 64 KB with 431', async () => {
    const { text, closed } = await exchange([`GET /x HTTP/1.1\r\nx-big: ${'a'.repeat(70_000)}\r\n\r\n`]);
    assert.match(text, /^HTTP\/1\.1 431 /);
    assert.ok(closed);
  });

  it('drops a body over the payload limit, answers 413, and keeps the connection usable', async () => {
    posted.length = 0;
    tooLarge.length = 0;
    const big = Buffer.alloc(MAX_RESPONSE_BYTES + 1, 0x61);
    const { text, closed } = await exchange(
      [post() + `content-length: ${big.length}\r\n\r\n`, big, post() + 'content-length: 4\r\n\r\n"ok"'],
      /202 Accepted[\s\S]*\{"status":"OK"\}/,
    );
    assert.ok(!closed);
    assert.match(text, /^HTTP\/1\.1 413 Payload Too Large\r\n[\s\S]*RequestEntityTooLarge/);
    assert.deepEqual(tooLarge, ['r1']);
    assert.deepEqual(
      posted.map((p) => p.body),
      ['"ok"'],
    );
  });
});
