import { strict as assert } from 'node:assert';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { ListStreamsCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { kinesisClient, startTestServer } from '../harness/helpers.js';
import { createStream } from './kinesis-fixtures.js';

describe('request logging', () => {
  it('logs every Kinesis request at debug with its operation, status and duration', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n'))
          if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    await using app = await startTestServer({ logger: pino({ level: 'debug' }, sink) });
    const k = kinesisClient(app);
    await createStream(k, 'logged', 1);
    await k.send(new PutRecordCommand({ StreamName: 'logged', PartitionKey: 'p', Data: Buffer.from('x') }));
    await k.send(new ListStreamsCommand({}));
    await fetch(app.endpoint, {
      method: 'POST',
      // JSON 1.1, as SDKs send it (fetch's text/plain would be AWS's 404 for a foreign content type).
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.Nope' },
      body: '{}',
    });
    k.destroy();
    const requests = lines.filter((l) => l['msg'] === 'request' && l['level'] === 20);
    const ops = requests.map((l) => [l['op'], l['status']]);
    for (const expected of [
      ['Kinesis_20131202.CreateStream', 200],
      ['Kinesis_20131202.PutRecord', 200],
      ['Kinesis_20131202.ListStreams', 200],
      ['Kinesis_20131202.Nope', 400],
    ]) {
      assert.ok(
        ops.some((o) => o[0] === expected[0] && o[1] === expected[1]),
        `${expected.join(' ')} in ${JSON.stringify(ops)}`,
      );
    }
    assert.ok(requests.every((l) => typeof l['ms'] === 'number' && l['service'] === 'kinesis'));
  });
});
