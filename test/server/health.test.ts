import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Health } from '../../src/app/admin-service.js';
import { clientConfig, startTestServer, tempDir } from '../harness/helpers.js';
import { Gate } from '../harness/gate.js';
import { createNodeFunction, decode } from '../lambda/lambda-helpers.js';
import { spawnServer, stopServer } from '../harness/server-process.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

async function health(endpoint: string): Promise<{ status: number; body: Health }> {
  const res = await fetch(`${endpoint}/_tributary/health`);
  return { status: res.status, body: (await res.json()) as Health };
}

describe('GET /_tributary/health', () => {
  const gates: Gate[] = [];
  after(async () => {
    for (const g of gates) await g.close();
  });

  it('answers 503 starting while the components start, 200 ready, then 503 stopping while in-flight work finishes', async () => {
    let starting: { status: number; body: Health } | undefined;
    const app = await startTestServer({
      testHooks: {
        // The port is bound; the components have not started yet.
        starting: async (endpoint) => {
          starting = await health(endpoint);
        },
      },
    });
    assert.deepEqual(starting, {
      status: 503,
      body: { status: 'starting', store: 'memory', version: VERSION },
    });
    assert.deepEqual(await health(app.endpoint), {
      status: 200,
      body: { status: 'ready', store: 'memory', version: VERSION },
    });
    assert.equal(app.state, 'ready');

    // An invocation in flight keeps the server stopping until it returns.
    const gate = await Gate.start();
    gates.push(gate);
    const l = new LambdaClient(clientConfig(app, 'default', { maxAttempts: 1 }));
    const k = new KinesisClient(clientConfig(app, 'default', { maxAttempts: 1 }));
    try {
      await createNodeFunction(
        l,
        'held',
        `export const handler = async (e) => ({ gate: await (await fetch(process.env.GATE + '/' + e.id)).text() });`,
        { Environment: { Variables: { GATE: gate.url } } },
      );
      const invoked = l.send(new InvokeCommand({ FunctionName: 'held', Payload: '{"id":"one"}' }));
      await gate.reached(1);
      const closed = app.close();
      assert.equal(app.state, 'stopping');
      assert.deepEqual(await health(app.endpoint), {
        status: 503,
        body: { status: 'stopping', store: 'memory', version: VERSION },
      });
      // New requests are refused in their protocol, as a retryable 503.
      await assert.rejects(
        k.send(new ListStreamsCommand({})),
        (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
          assert.equal(err.name, 'ServiceUnavailable');
          assert.equal(err.$metadata?.httpStatusCode, 503);
          return true;
        },
      );
      gate.release('one');
      const res = await invoked;
      assert.equal(res.FunctionError, undefined);
      assert.deepEqual(decode(res.Payload), { gate: 'released' });
      await closed;
    } finally {
      l.destroy();
      k.destroy();
      await app.close();
    }
  });

  it('names the store: lmdb with a data dir (a spawned server)', async () => {
    const server = await spawnServer(['--data-dir', tempDir('tributary-health-')]);
    try {
      assert.deepEqual(await health(server.endpoint), {
        status: 200,
        body: { status: 'ready', store: 'lmdb', version: VERSION },
      });
    } finally {
      assert.equal(await stopServer(server), 0);
    }
  });
});
