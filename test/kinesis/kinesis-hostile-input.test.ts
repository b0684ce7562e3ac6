import { strict as assert } from 'node:assert';
import http2 from 'node:http2';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  ListTagsForStreamCommand,
  PutRecordCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { encode as cborEncode, decode as cborDecode } from 'cbor-x';
import type { App } from '../../src/app/app.js';
import { kinesisClient, startTestServer } from '../harness/helpers.js';
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

  /** What a refused request could have changed: the streams, the tags and the records of `alive`. */
  async function snapshot(): Promise<unknown> {
    const names = (await k.send(new ListStreamsCommand({}))).StreamNames ?? [];
    const tags = (await k.send(new ListTagsForStreamCommand({ StreamName: 'alive' }))).Tags;
    const { ShardIterator } = await k.send(
      new GetShardIteratorCommand({
        StreamName: 'alive',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const records = (await k.send(new GetRecordsCommand({ ShardIterator }))).Records ?? [];
    return { names, tags, records: records.map((r) => [r.SequenceNumber, r.PartitionKey]) };
  }

  /**
   * Sends a request that must be refused (status 400, error `type`, and `message` when given) and checks that
   * it left nothing behind and that its message is short, whatever it quotes.
   */
  async function refusedWithoutTrace(
    send: () => Promise<{ status: number; type: string | undefined; message: string }>,
    type: string,
    message?: string | RegExp,
  ): Promise<void> {
    const before = await snapshot();
    const r = await send();
    assert.equal(r.status, 400, `${r.type}: ${r.message.slice(0, 300)}`);
    assert.equal(r.type, type, r.message.slice(0, 300));
    if (typeof message === 'string') assert.equal(r.message, message);
    else if (message) assert.match(r.message, message);
    assert.ok(r.message.length < 5000, `a short message, not ${r.message.length} characters`);
    assert.deepEqual(await snapshot(), before);
  }

  const json =
    (operation: string, body: string | Uint8Array) =>
    async (): Promise<{ status: number; type: string | undefined; message: string }> => {
      const r = await rawKinesis(app, operation, body);
      return {
        status: r.status,
        type: r.json?.['__type'] as string | undefined,
        message: String(r.json?.['message']),
      };
    };
  const cbor =
    (operation: string, body: unknown) =>
    async (): Promise<{ status: number; type: string | undefined; message: string }> => {
      const res = await fetch(app.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-cbor-1.1',
          'x-amz-target': `Kinesis_20131202.${operation}`,
        },
        body: body instanceof Uint8Array ? body : cborEncode(body),
      });
      const out = cborDecode(Buffer.from(await res.arrayBuffer())) as Record<string, unknown>;
      return { status: res.status, type: out['__type'] as string, message: String(out['message']) };
    };
  const bytes = (...parts: Array<string | number[]>): Buffer =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

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
    const before = await snapshot();
    const cborWithJson = await rawKinesis(app, 'ListStreams', '{"Limit": 1}', 'application/x-amz-cbor-1.1');
    assert.equal(cborWithJson.status, 400);
    assert.equal(cborWithJson.headers.get('x-amzn-errortype'), 'SerializationException');
    // A body of a content type Kinesis does not read gets AWS's bare 404 <UnknownOperationException/>, and one
    // naming no operation a 403, unsigned MissingAuthenticationToken (recorded AWS answers:
    // test/kinesis/conformance/wire.test.ts, front-end-auth.test.ts).
    const binary = await rawKinesis(
      app,
      'PutRecord',
      new Uint8Array([0xff, 0x00, 0x13, 0x37]),
      'application/octet-stream',
    );
    assert.equal(binary.status, 404);
    assert.equal(binary.text, '<UnknownOperationException/>\n');
    const form = await rawKinesis(
      app,
      'PutRecord',
      'StreamName=alive&PartitionKey=p',
      'application/x-www-form-urlencoded',
    );
    assert.equal(form.status, 404);
    assert.equal(form.headers.get('x-amzn-errortype'), 'UnknownOperationException');
    const deep = await rawKinesis(app, 'PutRecord', '['.repeat(100_000) + ']'.repeat(100_000));
    assert.equal(deep.json?.['__type'], 'SerializationException');
    const noTarget = await fetch(app.endpoint, { method: 'POST', body: '{}' });
    assert.equal(noTarget.status, 403);
    assert.equal(noTarget.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    assert.deepEqual(await snapshot(), before);
    await stillServing();
  });

  it('a body that is not UTF-8 is a SerializationException, never a partition key with U+FFFD', async () => {
    await refusedWithoutTrace(
      json('PutRecord', bytes('{"StreamName":"alive","Data":"eA==","PartitionKey":"', [0xc3, 0x28], '"}')),
      'SerializationException',
      'The request body is not valid UTF-8.',
    );
    await refusedWithoutTrace(
      json('CreateStream', bytes('{"StreamName":"s', [0xed, 0xa0, 0x80], '","ShardCount":1}')),
      'SerializationException',
    );
    await refusedWithoutTrace(
      json('AddTagsToStream', bytes('{"StreamName":"alive","Tags":{"k":"', [0xff], '"}}')),
      'SerializationException',
    );
    // AWS CBOR (the Java SDK, KCL): a text string that is not UTF-8.
    const key = Buffer.from([0xc3, 0x28]);
    const cborBody = Buffer.from(
      cborEncode({ StreamName: 'alive', Data: Buffer.from('x'), PartitionKey: 'PK' }),
    );
    const at = cborBody.indexOf(Buffer.from('PK'));
    await refusedWithoutTrace(
      cbor('PutRecord', Buffer.concat([cborBody.subarray(0, at), key, cborBody.subarray(at + 2)])),
      'SerializationException',
      'A CBOR text string is not valid UTF-8.',
    );
    // U+FFFD sent as such (its own three UTF-8 bytes) is a character like any other.
    const put = await cbor('PutRecord', {
      StreamName: 'alive',
      Data: Buffer.from('x'),
      PartitionKey: 'a\uFFFDb',
    })();
    assert.equal(put.status, 200);
    await stillServing();
  });

  it('an unpaired surrogate escape is a SerializationException naming the member', async () => {
    await refusedWithoutTrace(
      json('PutRecord', '{"StreamName":"alive","Data":"eA==","PartitionKey":"\\ud800"}'),
      'SerializationException',
      'Invalid character #xD800 (an unpaired surrogate) in PartitionKey.',
    );
    await refusedWithoutTrace(
      json(
        'PutRecords',
        '{"StreamName":"alive","Records":[{"Data":"eA==","PartitionKey":"ok"},' +
          '{"Data":"eA==","PartitionKey":"x\\udfff"}]}',
      ),
      'SerializationException',
      'Invalid character #xDFFF (an unpaired surrogate) in Records[1].PartitionKey.',
    );
    await refusedWithoutTrace(
      json('AddTagsToStream', '{"StreamName":"alive","Tags":{"\\ud83d":"v"}}'),
      'SerializationException',
      'Invalid character #xD83D (an unpaired surrogate) in Tags.',
    );
    // A surrogate pair written as escapes is one character (U+1F600), and fine.
    const r = await rawKinesis(
      app,
      'PutRecord',
      '{"StreamName":"alive","Data":"eA==","PartitionKey":"\\ud83d\\ude00"}',
    );
    assert.equal(r.status, 200, r.text);
    await stillServing();
  });

  it('100k-deep JSON and CBOR are SerializationExceptions', async () => {
    const deepObject = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    await refusedWithoutTrace(
      json(
        'PutRecord',
        `{"StreamName":"alive","Data":"eA==","PartitionKey":"p","ExplicitHashKey":${deepObject}}`,
      ),
      'SerializationException',
      'The request body nests deeper than 1000 levels.',
    );
    await refusedWithoutTrace(
      json('CreateStream', `{"StreamName":"deep","ShardCount":1,"Tags":${deepObject}}`),
      'SerializationException',
    );
    // 100k nested CBOR arrays (0x81: an array of one item), then an integer.
    await refusedWithoutTrace(
      cbor(
        'PutRecord',
        Buffer.concat([Buffer.from([0xa1, 0x61, 0x78]), Buffer.alloc(100_000, 0x81), Buffer.from([0x01])]),
      ),
      'SerializationException',
    );
    await stillServing();
  });

  it('a 5 MB value is cut in the message that quotes it', async () => {
    const big = 'x'.repeat(5 * 1024 * 1024);
    await refusedWithoutTrace(
      json('CreateStream', JSON.stringify({ StreamName: big, ShardCount: 1 })),
      'ValidationException',
      /^1 validation error detected: Value 'x{4608}\.\.\.' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128$/,
    );
    await refusedWithoutTrace(
      json('PutRecord', JSON.stringify({ StreamName: 'alive', Data: 'eA==', PartitionKey: big })),
      'ValidationException',
      /Value 'x{4608}\.\.\.' at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256/,
    );
    await stillServing();
  });

  it('requests that fail validation create, store and tag nothing', async () => {
    for (const [operation, body, type] of [
      ['CreateStream', { StreamName: 'half', ShardCount: 0 }, 'ValidationException'],
      [
        'CreateStream',
        { StreamName: 'half', ShardCount: 1, Tags: { ['k'.repeat(129)]: 'v' } },
        'ValidationException',
      ],
      [
        'PutRecords',
        {
          StreamName: 'alive',
          Records: [
            { Data: 'eA==', PartitionKey: 'good' },
            { Data: 'eA==', PartitionKey: 'k'.repeat(257) },
          ],
        },
        'ValidationException',
      ],
      [
        'PutRecords',
        { StreamName: 'alive', Records: [{ Data: 'eA==', PartitionKey: 'p' }, { Data: 'not base64!' }] },
        'SerializationException',
      ],
      [
        'AddTagsToStream',
        { StreamName: 'alive', Tags: { good: 'v', ['k'.repeat(129)]: 'v' } },
        'ValidationException',
      ],
      [
        'PutRecord',
        { StreamName: 'alive', Data: 'eA==', PartitionKey: 'p', ExplicitHashKey: '-1' },
        'ValidationException',
      ],
    ] as const) {
      await refusedWithoutTrace(json(operation, JSON.stringify(body)), type);
    }
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
