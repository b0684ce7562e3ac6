import { strict as assert } from 'node:assert';
import { existsSync, statSync } from 'node:fs';
import { describe, it } from 'node:test';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import {} from '../harness/helpers.js';
import { createNodeFunction, lambdaTestServer } from './lambda-helpers.js';
import { hooks } from '../harness/hooks.js';

describe('Lambda function log files', () => {
  it('are bounded: rotated past logFileMaxBytes with one older file kept, the newest lines always served', async () => {
    await using server = await lambdaTestServer({ lambda: { logFileMaxBytes: 4096 } });
    const { app, c } = server;
    await createNodeFunction(
      c,
      'chatty',
      `export const handler = async (e) => { for (let i = 0; i < 20; i++) console.log('line', e.n, i, 'x'.repeat(40)); return e.n; };`,
    );
    for (let n = 0; n < 15; n++)
      await c.send(
        new InvokeCommand({ FunctionName: 'chatty', Payload: Buffer.from(JSON.stringify({ n })) }),
      );
    await hooks(app).logs.flush('chatty');
    const file = hooks(app).logs.file('chatty');
    assert.ok(existsSync(`${file}.1`), 'a rotated file exists');
    assert.ok(statSync(file).size <= 4096, `current file ${statSync(file).size} bytes`);
    assert.ok(statSync(`${file}.1`).size <= 4096, `rotated file ${statSync(`${file}.1`).size} bytes`);
    const tail = await hooks(app).logs.tail('chatty', 25);
    assert.ok(
      tail!.some((l) => /\tINFO\tline 14 19 x+$/.test(l)),
      'the last invocation is in the tail',
    );
    assert.match(tail![tail!.length - 1]!, /^REPORT RequestId: /);
    assert.ok(!tail!.some((l) => /\tline 0 /.test(l)), 'the oldest lines are gone');
  });
});
