import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import {
  CreateStreamCommand,
  KinesisClient,
  ListStreamsCommand,
  PutRecordCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  InvokeCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import type { Health } from '../../src/app/admin-service.js';
import { clientConfig, region, tempDir, waitFor } from '../harness/helpers.js';
import { Gate } from '../harness/gate.js';
import { createNodeFunction, decode } from '../lambda/lambda-helpers.js';
import { spawnServer, stopServer, type ServerProcess } from '../harness/server-process.js';

/**
 * Holds each invocation at the gate until the test releases it: a sync invoke by its `id`, a mapping's batch by its
 * records' data joined with commas.
 */
const HELD = `export const handler = async (e) => {
  const id = e.Records ? e.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString()).join(',') : e.id;
  const res = await fetch(process.env.GATE + '/' + encodeURIComponent(id));
  return { id, gate: await res.text() };
};`;

function clients(server: ServerProcess): { k: KinesisClient; l: LambdaClient } {
  // One attempt: a request refused while the server stops must show, not be retried.
  const o = clientConfig(server, 'default', { maxAttempts: 1 });
  return { k: new KinesisClient(o), l: new LambdaClient(o) };
}

async function healthStatus(server: ServerProcess): Promise<string | undefined> {
  try {
    return ((await (await fetch(`${server.endpoint}/_tributary/health`)).json()) as Health).status;
  } catch {
    return undefined;
  }
}

describe('graceful shutdown', () => {
  const servers: ServerProcess[] = [];
  const gates: Gate[] = [];
  after(async () => {
    for (const s of servers) await s.kill9();
    for (const g of gates) await g.close();
  });

  async function setUp(
    args: string[],
  ): Promise<{ server: ServerProcess; gate: Gate; k: KinesisClient; l: LambdaClient }> {
    const gate = await Gate.start();
    gates.push(gate);
    const server = await spawnServer(args);
    servers.push(server);
    const { k, l } = clients(server);
    await createNodeFunction(l, 'held', HELD, {
      Timeout: 120,
      Environment: { Variables: { GATE: gate.url } },
    });
    return { server, gate, k, l };
  }

  it('SIGTERM: a slow invocation in flight finishes, its mapping checkpoint is durable, exit code 0', async () => {
    const dataDir = tempDir('tributary-shutdown-');
    const { server, gate, k, l } = await setUp(['--data-dir', dataDir]);
    await k.send(new CreateStreamCommand({ StreamName: 'orders', ShardCount: 1 }));
    await waitUntilStreamExists({ client: k, maxWaitTime: 30 }, { StreamName: 'orders' });
    const { UUID } = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'held',
        EventSourceArn: `arn:aws:kinesis:${region}:000000000000:stream/orders`,
        StartingPosition: 'TRIM_HORIZON',
      }),
    );
    await waitFor(async () => (await l.send(new GetEventSourceMappingCommand({ UUID }))).State === 'Enabled');
    await k.send(new PutRecordCommand({ StreamName: 'orders', PartitionKey: 'p', Data: Buffer.from('r1') }));
    // The mapping's batch and a sync Invoke are both running, held at the gate.
    const invoked = l.send(new InvokeCommand({ FunctionName: 'held', Payload: '{"id":"sync"}' }));
    await gate.reached(2);
    assert.deepEqual([...gate.arrived].sort(), ['r1', 'sync']);

    const exited = once(server.child, 'exit');
    server.child.kill('SIGTERM');
    // Stopping, not stopped: the work in flight holds it; new requests are refused.
    await waitFor(async () => (await healthStatus(server)) === 'stopping');
    await assert.rejects(k.send(new ListStreamsCommand({})), { name: 'ServiceUnavailable' });
    assert.equal(server.child.exitCode, null);

    gate.release('r1');
    gate.release('sync');
    const res = await invoked;
    assert.equal(res.FunctionError, undefined);
    assert.deepEqual(decode(res.Payload), { id: 'sync', gate: 'released' });
    assert.deepEqual(await exited, [0, null]);
    k.destroy();
    l.destroy();

    // Restarted on the same data dir, the mapping goes on after r1: the first batch it delivers is r2 alone.
    const again = await spawnServer(['--data-dir', dataDir]);
    servers.push(again);
    const c = clients(again);
    try {
      await c.k.send(
        new PutRecordCommand({ StreamName: 'orders', PartitionKey: 'p', Data: Buffer.from('r2') }),
      );
      await gate.reached(3);
      assert.equal(gate.arrived[2], 'r2');
      gate.release('r2');
    } finally {
      c.k.destroy();
      c.l.destroy();
    }
    assert.equal(await stopServer(again), 0);
  });

  it('a SIGTERM sent as soon as the ready line is read is a graceful stop (exit code 0), every time', async () => {
    for (let i = 0; i < 3; i++) {
      const server = await spawnServer(['--in-memory']);
      servers.push(server);
      assert.equal(await stopServer(server), 0);
      assert.equal(server.child.signalCode, null);
    }
  });

  it('a second SIGINT exits at once, with code 130', async () => {
    const { server, gate, k, l } = await setUp(['--in-memory']);
    const invoked = l.send(new InvokeCommand({ FunctionName: 'held', Payload: '{"id":"never"}' }));
    invoked.catch(() => undefined);
    await gate.reached(1);
    const exited = once(server.child, 'exit');
    server.child.kill('SIGINT');
    await waitFor(async () => (await healthStatus(server)) === 'stopping');
    server.child.kill('SIGINT');
    assert.deepEqual(await exited, [130, null]);
    await assert.rejects(invoked);
    k.destroy();
    l.destroy();
  });

  it('the shutdown timeout bounds the wait: an invocation that never returns is stopped, exit code 0', async () => {
    const { server, gate, k, l } = await setUp(['--in-memory', '--shutdown-timeout-ms', '200']);
    const invoked = l.send(new InvokeCommand({ FunctionName: 'held', Payload: '{"id":"stuck"}' }));
    invoked.catch(() => undefined);
    await gate.reached(1);
    const exited = once(server.child, 'exit');
    server.child.kill('SIGTERM');
    // Never released: the server stops it after 200 ms, and exits.
    assert.deepEqual(await exited, [0, null]);
    await assert.rejects(invoked);
    k.destroy();
    l.destroy();
  });
});
