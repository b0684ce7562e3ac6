import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { NODE_BOOTSTRAP } from '../../src/runtime/spawn-spec.js';
import { Gate } from '../harness/gate.js';

/**
 * Our Node.js bootstrap speaks HTTP/1.1 itself (not node:http). Tributary's Runtime API always sends a
 * Content-Length; these tests hold the client to what any Runtime API may send: chunked bodies, bodies split
 * across many TCP writes, repeated headers, a closed connection.
 */
interface Posted {
  path: string;
  body: string;
}

/** A scripted Runtime API: `answerNext` writes each /next response its own way; posts are collected. */
async function fakeRuntimeApi(answerNext: (res: http.ServerResponse, n: number) => void): Promise<{
  address: string;
  posts: Posted[];
  nextPost: () => Promise<Posted>;
  server: http.Server;
}> {
  const posts: Posted[] = [];
  const waiters: Array<(p: Posted) => void> = [];
  let served = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/2018-06-01/runtime/invocation/next') {
        answerNext(res, ++served);
        return;
      }
      const post = { path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') };
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"OK"}');
      const w = waiters.shift();
      if (w) w(post);
      else posts.push(post);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    posts,
    server,
    nextPost: () => {
      const p = posts.shift();
      return p ? Promise.resolve(p) : new Promise((resolve) => waiters.push(resolve));
    },
  };
}

function startBootstrap(
  apiAddress: string,
  handlerSource: string,
  env: Record<string, string> = {},
): ChildProcess {
  const dir = mkdtempSync(join(tmpdir(), 'bootstrap-client-'));
  writeFileSync(join(dir, 'index.mjs'), handlerSource);
  return spawn(process.execPath, [NODE_BOOTSTRAP], {
    env: {
      ...env,
      PATH: process.env['PATH'] ?? '',
      AWS_LAMBDA_RUNTIME_API: apiAddress,
      LAMBDA_TASK_ROOT: dir,
      _HANDLER: 'index.handler',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * A Runtime API on a raw TCP server, so a test controls every byte and write: `onRequest` gets each request
 * (Content-Length bodies) with the socket to answer on, or not.
 */
async function rawRuntimeApi(
  onRequest: (socket: net.Socket, req: { method: string; path: string; body: string }) => void,
): Promise<{ server: net.Server; address: string }> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined); // the bootstrap is killed at the end
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.toString('latin1', 0, end);
        const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + length) return;
        const body = buf.toString('utf8', end + 4, end + 4 + length);
        buf = buf.subarray(end + 4 + length);
        const [method, path] = head.split(' ') as [string, string];
        onRequest(socket, { method, path, body });
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, address: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const ECHO = 'export const handler = async (event, context) => ({ event, id: context.awsRequestId });';

describe('Node.js bootstrap HTTP client', () => {
  const children: ChildProcess[] = [];
  const servers: http.Server[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      s.close();
    }
  });

  it('reads chunked /next bodies written in many small pieces, and posts each result to its request id', async () => {
    const big = 'x'.repeat(70_000);
    const api = await fakeRuntimeApi((res, n) => {
      // No Content-Length: node:http answers with Transfer-Encoding: chunked, one chunk per write.
      res.writeHead(200, {
        'lambda-runtime-aws-request-id': `req-${n}`,
        'lambda-runtime-deadline-ms': String(Date.now() + 60_000),
        'content-type': 'application/json',
      });
      const json = JSON.stringify({ n, big });
      let i = 0;
      const step = (): void => {
        if (i >= json.length) return void res.end();
        res.write(json.slice(i, i + 4096));
        i += 4096;
        setImmediate(step);
      };
      step();
    });
    servers.push(api.server);
    children.push(startBootstrap(api.address, ECHO));
    for (let n = 1; n <= 3; n++) {
      const post = await api.nextPost();
      assert.equal(post.path, `/2018-06-01/runtime/invocation/req-${n}/response`);
      const result = JSON.parse(post.body) as { event: { n: number; big: string }; id: string };
      assert.equal(result.id, `req-${n}`);
      assert.equal(result.event.n, n);
      assert.equal(result.event.big, big);
    }
  });

  it('reads Content-Length bodies whose head and body arrive cut at arbitrary points, with repeated and mixed-case headers', async () => {
    // A raw TCP Runtime API, so each response can be cut mid-line and written in pieces.
    const posts: Posted[] = [];
    let served = 0;
    let gotPost: () => void = () => undefined;
    const twoPosts = new Promise<void>((resolve) => (gotPost = () => posts.length === 2 && resolve()));
    const { server, address } = await rawRuntimeApi((socket, req) => {
      if (req.method === 'GET') writeCut(socket, ++served);
      else {
        posts.push({ path: req.path, body: req.body });
        socket.write('HTTP/1.1 202 Accepted\r\ncontent-length: 15\r\n\r\n{"status":"OK"}');
        gotPost();
      }
    });
    const writeCut = (socket: net.Socket, n: number): void => {
      const body = JSON.stringify({ n, text: 'é✓' });
      const head =
        'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n' +
        `Lambda-Runtime-Aws-Request-Id: id-${n}\r\nX-Repeat: a\r\nX-Repeat: b\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
      const bytes = Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(body)]);
      const cuts = [7, 40, head.length - 2, head.length + 3, bytes.length];
      let from = 0;
      const step = (): void => {
        const to = cuts.shift();
        if (to === undefined || socket.destroyed) return;
        socket.write(bytes.subarray(from, to));
        from = to;
        setTimeout(step, 5);
      };
      step();
    };
    children.push(startBootstrap(address, ECHO));
    try {
      await twoPosts;
      assert.equal(posts[0]!.path, '/2018-06-01/runtime/invocation/id-1/response');
      assert.deepEqual(JSON.parse(posts[0]!.body), { event: { n: 1, text: 'é✓' }, id: 'id-1' });
      assert.equal(posts[1]!.path, '/2018-06-01/runtime/invocation/id-2/response');
    } finally {
      for (const c of children.splice(0)) c.kill('SIGKILL');
      server.close();
    }
  });

  it(
    'reports an error thrown between invocations while the next long poll is pending, then exits',
    { timeout: 20_000 },
    async () => {
      const api = await fakeRuntimeApi((res, n) => {
        // The second poll is never answered: the error report must not queue behind it.
        if (n === 1)
          res.writeHead(200, { 'lambda-runtime-aws-request-id': 'r1', 'content-length': 2 }).end('{}');
      });
      servers.push(api.server);
      const child = startBootstrap(
        api.address,
        "export const handler = async () => { setTimeout(() => { throw new Error('late timer'); }, 100); return 'ok'; };",
      );
      children.push(child);
      const exited = once(child, 'exit') as Promise<[number | null]>;
      const response = await api.nextPost();
      assert.equal(response.path, '/2018-06-01/runtime/invocation/r1/response');
      const report = await api.nextPost();
      assert.equal(report.path, '/2018-06-01/runtime/invocation/r1/error');
      assert.equal((JSON.parse(report.body) as { errorMessage: string }).errorMessage, 'late timer');
      const [code] = await exited;
      assert.equal(code, 129);
    },
  );

  it(
    'exits instead of spinning when the server dies mid-invocation (Runtime API and stdout pipe gone)',
    { timeout: 20_000 },
    async () => {
      let release: () => void = () => undefined;
      const served = new Promise<void>((resolve) => (release = resolve));
      const api = await fakeRuntimeApi((res) => {
        res.writeHead(200, { 'lambda-runtime-aws-request-id': 'r1', 'content-length': 2 }).end('{}');
        release();
      });
      servers.push(api.server);
      // The handler logs after the server is gone (it waits at a gate the test opens only then, not for a
      // time): the write fails with EPIPE, and so does posting the result.
      const gate = await Gate.start();
      try {
        const child = startBootstrap(
          api.address,
          'export const handler = async () => { await (await fetch(process.env.GATE + "/late")).text(); console.log("late"); return 1; };',
          { GATE: gate.url },
        );
        children.push(child);
        await served;
        // What kill -9 of the server does to the worker: its log pipes and its Runtime API close.
        child.stdout!.destroy();
        child.stderr!.destroy();
        api.server.closeAllConnections();
        api.server.close();
        gate.open();
        const [code] = (await once(child, 'exit')) as [number | null];
        assert.equal(code, 1);
      } finally {
        await gate.close();
      }
    },
  );

  it('exits when the Runtime API closes the connection while it waits for an invocation', async () => {
    const api = await fakeRuntimeApi((res) => res.socket!.destroy());
    servers.push(api.server);
    const child = startBootstrap(api.address, ECHO);
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 1);
    assert.match(stderr, /tributary node runtime: /);
  });

  it('sends the poll for the next invocation with the result, without waiting for the result to be acknowledged', async () => {
    // A raw TCP Runtime API that holds back its 202: the poll must arrive anyway, on the same connection,
    // after the result.
    const seen: string[] = [];
    let served = 0;
    let done: () => void = () => undefined;
    const pollBeforeAck = new Promise<void>((resolve) => (done = resolve));
    let heldAck = false;
    const { server, address } = await rawRuntimeApi((socket, req) => {
      seen.push(`${req.method} ${req.path}`);
      if (req.method === 'POST') {
        heldAck = true; // no 202 yet
      } else if (served === 0) {
        served++;
        const body = '{"n":1}';
        socket.write(
          `HTTP/1.1 200 OK\r\nlambda-runtime-aws-request-id: req-1\r\n` +
            `lambda-runtime-deadline-ms: ${Date.now() + 60_000}\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
        );
      } else if (heldAck) {
        // The second poll came in while the result's acknowledgement was still held back.
        done();
      }
    });
    children.push(startBootstrap(address, ECHO));
    try {
      await pollBeforeAck;
    } finally {
      for (const c of children.splice(0)) c.kill('SIGKILL');
      server.close();
    }
    assert.deepEqual(seen, [
      'GET /2018-06-01/runtime/invocation/next',
      'POST /2018-06-01/runtime/invocation/req-1/response',
      'GET /2018-06-01/runtime/invocation/next',
    ]);
  });
});
