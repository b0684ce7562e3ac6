import { strict as assert } from 'node:assert';
import http2 from 'node:http2';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ListStreamsCommand, PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { App } from '../src/server/app.js';
import { kinesisClient, startTestServer } from './helpers.js';
import { createStream, rawKinesis } from './kinesis-fixtures.js';

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/** Writes raw bytes on a fresh TCP connection; resolves with everything the server sent until it closed (or `ms` passed). */
async function rawExchange(port: number, bytes: Buffer | string, ms = 2000): Promise<Buffer> {
  const socket = net.connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(bytes);
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    socket.once('close', () => {
      clearTimeout(t);
      resolve();
    });
  });
  socket.destroy();
  return Buffer.concat(chunks);
}

/** HTTP/2 frame types in a server's byte stream (after it has consumed our preface). */
function frameTypes(bytes: Buffer): number[] {
  const types: number[] = [];
  for (let i = 0; i + 9 <= bytes.length;) {
    const len = bytes.readUIntBE(i, 3);
    types.push(bytes[i + 3]!);
    i += 9 + len;
  }
  return types;
}

describe('malformed, oversized and hostile requests get an error and the server keeps serving', () => {
  let app: App;
  let k: KinesisClient;
  let port: number;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    app = await startTestServer();
    port = Number(new URL(app.endpoint).port);
    k = kinesisClient(app);
    await createStream(k, 'alive', 1);
  });
  after(async () => {
    k.destroy();
    await app.close();
    process.off('unhandledRejection', onUnhandled);
  });

  /** The real check after every abuse: a normal SDK call still works and nothing rejected unhandled. */
  async function stillServing(): Promise<void> {
    const r = await k.send(
      new PutRecordCommand({ StreamName: 'alive', PartitionKey: 'p', Data: Buffer.from('still here') }),
    );
    assert.match(r.SequenceNumber!, /^\d{56}$/);
    assert.deepEqual(unhandled, []);
  }

  it('garbage bytes and broken HTTP/1.1 get 400 Bad Request', async () => {
    for (const bytes of [
      Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0x0d, 0x0a, 0x0d, 0x0a]),
      'NOT-A-METHOD / HTTP/1.1\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nzz\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
    ]) {
      const answer = (await rawExchange(port, bytes)).toString('latin1');
      assert.match(answer, /^HTTP\/1\.1 400 /, JSON.stringify(bytes.toString()));
    }
    await stillServing();
  });

  it('a request target that is not a URL gets 400, not a crash', async () => {
    const answer = (await rawExchange(port, 'GET http://[ HTTP/1.1\r\nHost: x\r\n\r\n')).toString('latin1');
    assert.match(answer, /^HTTP\/1\.1 400 /);
    assert.match(answer, /Bad request target/);
    await stillServing();
  });

  it('an oversized body is refused with 413, whether announced or streamed', async () => {
    const announced = (
      await rawExchange(
        port,
        'POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Kinesis_20131202.PutRecord\r\nContent-Length: 999999999999\r\n\r\n{',
      )
    ).toString('latin1');
    assert.match(announced, /^HTTP\/1\.1 413 /);
    // Streamed (chunked, no length): the server stops buffering past its 80 MiB cap.
    const res = await new Promise<number>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(
          'POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Kinesis_20131202.PutRecord\r\nTransfer-Encoding: chunked\r\n\r\n',
        );
        const chunk = Buffer.alloc(1024 * 1024, 0x61);
        let sent = 0;
        const pump = (): void => {
          while (sent < 81 && !socket.destroyed) {
            sent++;
            socket.write(`${chunk.length.toString(16)}\r\n`);
            socket.write(chunk);
            if (!socket.write('\r\n')) {
              socket.once('drain', pump);
              return;
            }
          }
        };
        pump();
      });
      let text = '';
      socket.on('data', (d: Buffer) => {
        text += d.toString('latin1');
        const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
        if (m) {
          socket.destroy();
          resolve(Number(m[1]));
        }
      });
      socket.on('error', reject);
    });
    assert.equal(res, 413);
    await stillServing();
  });

  it('wrong content types and undecodable bodies get AWS errors', async () => {
    const cborWithJson = await rawKinesis(app, 'ListStreams', '{"Limit": 1}', 'application/x-amz-cbor-1.1');
    assert.equal(cborWithJson.status, 400);
    assert.equal(cborWithJson.headers.get('x-amzn-errortype'), 'SerializationException');
    const binary = await rawKinesis(
      app,
      'PutRecord',
      new Uint8Array([0xff, 0x00, 0x13, 0x37]),
      'application/octet-stream',
    );
    assert.equal(binary.status, 400);
    assert.equal(binary.json?.['__type'], 'SerializationException');
    const form = await rawKinesis(
      app,
      'PutRecord',
      'StreamName=alive&PartitionKey=p',
      'application/x-www-form-urlencoded',
    );
    assert.equal(form.json?.['__type'], 'SerializationException');
    const deep = await rawKinesis(app, 'PutRecord', '['.repeat(100_000) + ']'.repeat(100_000));
    assert.equal(deep.json?.['__type'], 'SerializationException');
    const noTarget = await fetch(app.endpoint, { method: 'POST', body: '{}' });
    assert.equal(noTarget.status, 404);
    assert.equal(noTarget.headers.get('x-amzn-errortype'), 'UnknownOperationException');
    await stillServing();
  });

  it('raw HTTP/2 garbage after the preface gets a GOAWAY, and the server goes on', async () => {
    const garbage = await rawExchange(port, Buffer.concat([H2_PREFACE, Buffer.alloc(64, 0x78)]));
    assert.ok(frameTypes(garbage).includes(0x7), `GOAWAY in ${garbage.toString('hex')}`);
    // A HEADERS frame whose header block is not valid HPACK.
    const settings = Buffer.from([0, 0, 0, 0x4, 0, 0, 0, 0, 0]);
    const badHeaders = Buffer.from([0, 0, 5, 0x1, 0x4 | 0x1, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff]);
    const hpack = await rawExchange(port, Buffer.concat([H2_PREFACE, settings, badHeaders]));
    assert.ok(frameTypes(hpack).includes(0x7), `GOAWAY in ${hpack.toString('hex')}`);
    // A frame announcing far more than the maximum frame size.
    const huge = await rawExchange(
      port,
      Buffer.concat([H2_PREFACE, settings, Buffer.from([0xff, 0xff, 0xff, 0x0, 0, 0, 0, 0, 1])]),
    );
    assert.ok(frameTypes(huge).includes(0x7), `GOAWAY in ${huge.toString('hex')}`);
    // Only part of the preface, then the client hangs up.
    await rawExchange(port, H2_PREFACE.subarray(0, 10), 200);
    await stillServing();
  });

  it('HTTP/2 streams reset mid-body, odd paths and many streams at once do not disturb the server', async () => {
    const session = http2.connect(app.endpoint);
    session.on('error', () => undefined);
    const half = session.request({
      ':method': 'POST',
      ':path': '/',
      'x-amz-target': 'Kinesis_20131202.PutRecord',
      'content-type': 'application/x-amz-json-1.1',
    });
    half.on('error', () => undefined);
    half.write('{"StreamName": "alive", "Data": "');
    await new Promise((r) => setTimeout(r, 20));
    half.close(http2.constants.NGHTTP2_CANCEL);
    const statuses = await Promise.all(
      ['/%', '//x', '/' + 'a'.repeat(4000), '/?a=%zz'].concat(Array.from({ length: 50 }, () => '/')).map(
        (path) =>
          new Promise<number>((resolve, reject) => {
            const req = session.request({
              ':method': 'POST',
              ':path': path,
              'x-amz-target': 'Kinesis_20131202.ListStreams',
              'content-type': 'application/x-amz-json-1.1',
            });
            req.on('response', (h) => resolve(Number(h[':status'])));
            req.on('error', reject);
            req.on('data', () => undefined);
            req.end('{}');
          }),
      ),
    );
    assert.ok(
      statuses.every((s) => s === 200),
      statuses.join(','),
    );
    session.destroy();
    // A client that opens a connection and vanishes without a word.
    const silent = net.connect(port, '127.0.0.1');
    silent.on('error', () => undefined);
    await new Promise<void>((r) => silent.once('connect', () => r()));
    silent.destroy();
    assert.ok((await k.send(new ListStreamsCommand({}))).StreamNames!.includes('alive'));
    await stillServing();
  });
});
