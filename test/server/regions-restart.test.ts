import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateStreamCommand,
  ListStreamsCommand,
  DescribeStreamSummaryCommand,
} from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  InvokeCommand,
  ListEventSourceMappingsCommand,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { LmdbStore } from '../../src/store/lmdb-store.js';
import { startTestServer, tempDir } from '../harness/helpers.js';
import { regionClients } from '../harness/region-clients.js';
import { spawnServer, stopServer } from '../harness/server-process.js';
import { createNodeFunction, decode } from '../lambda/lambda-helpers.js';
import type { App } from '../../src/app/app.js';

const EAST = 'us-east-1';
const WEST = 'us-west-2';

async function streamNames(app: App, region: string): Promise<string[]> {
  const c = regionClients(app, region);
  try {
    return (await c.kinesis.send(new ListStreamsCommand({}))).StreamNames ?? [];
  } finally {
    c.destroy();
  }
}

describe('regions across restarts', () => {
  it('keeps every region: streams, functions and their code, mappings, queues and their messages', async () => {
    const dataDir = tempDir();
    let app = await startTestServer({ dataDir });
    let west = regionClients(app, WEST);
    let east = regionClients(app, EAST);
    await east.kinesis.send(new CreateStreamCommand({ StreamName: 'orders', ShardCount: 1 }));
    await west.kinesis.send(new CreateStreamCommand({ StreamName: 'orders', ShardCount: 2 }));
    await createNodeFunction(
      west.lambda,
      'echo',
      'export const handler = async () => process.env.AWS_REGION;',
    );
    const queueUrl = (await west.sqs.send(new CreateQueueCommand({ QueueName: 'dlq' }))).QueueUrl!;
    await west.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'kept' }));
    await west.lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'echo',
        EventSourceArn: `arn:aws:kinesis:${WEST}:000000000000:stream/orders`,
        StartingPosition: 'LATEST',
      }),
    );
    west.destroy();
    east.destroy();
    await app.close();

    app = await startTestServer({ dataDir });
    west = regionClients(app, WEST);
    east = regionClients(app, EAST);
    try {
      const w = await west.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'orders' }));
      assert.equal(w.StreamDescriptionSummary?.OpenShardCount, 2);
      assert.equal(
        w.StreamDescriptionSummary?.StreamARN,
        `arn:aws:kinesis:${WEST}:000000000000:stream/orders`,
      );
      const e = await east.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'orders' }));
      assert.equal(e.StreamDescriptionSummary?.OpenShardCount, 1);
      const out = await west.lambda.send(new InvokeCommand({ FunctionName: 'echo' }));
      assert.equal(decode(out.Payload), WEST);
      const mappings =
        (await west.lambda.send(new ListEventSourceMappingsCommand({}))).EventSourceMappings ?? [];
      assert.deepEqual(
        mappings.map((m) => m.FunctionArn),
        [`arn:aws:lambda:${WEST}:000000000000:function:echo`],
      );
      assert.deepEqual(
        (await east.lambda.send(new ListEventSourceMappingsCommand({}))).EventSourceMappings,
        [],
      );
      const got = await west.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
      assert.deepEqual(
        got.Messages?.map((m) => m.Body),
        ['kept'],
      );
    } finally {
      west.destroy();
      east.destroy();
      await app.close();
    }
  });

  it('keeps a region created just before a kill -9', async () => {
    const dataDir = tempDir();
    const first = await spawnServer(['--data-dir', dataDir]);
    let west = regionClients(first, WEST);
    await west.kinesis.send(new CreateStreamCommand({ StreamName: 'k9', ShardCount: 1 }));
    const queueUrl = (await west.sqs.send(new CreateQueueCommand({ QueueName: 'k9' }))).QueueUrl!;
    await west.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'durable' }));
    west.destroy();
    await first.kill9();

    const next = await spawnServer(['--data-dir', dataDir]);
    west = regionClients(next, WEST);
    const east = regionClients(next, EAST);
    try {
      assert.deepEqual((await west.kinesis.send(new ListStreamsCommand({}))).StreamNames, ['k9']);
      assert.deepEqual((await east.kinesis.send(new ListStreamsCommand({}))).StreamNames, []);
      const got = await west.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
      assert.deepEqual(
        got.Messages?.map((m) => m.Body),
        ['durable'],
      );
    } finally {
      west.destroy();
      east.destroy();
      await stopServer(next);
    }
  });

  it('reads data written before regions as the region the server first starts with, and keeps it there', async () => {
    const dataDir = tempDir();
    let app = await startTestServer({ dataDir });
    await (async () => {
      const c = regionClients(app, EAST);
      await c.kinesis.send(new CreateStreamCommand({ StreamName: 'legacy', ShardCount: 1 }));
      c.destroy();
    })();
    await app.close();
    // A data dir of a server without regions: the same documents, without the record of their region.
    const store = new LmdbStore(dataDir);
    assert.deepEqual(store.getDoc('tributary-server', 'home-region'), { region: EAST });
    await store.deleteDoc('tributary-server', 'home-region');
    await store.close();

    // The first start after the upgrade reads it as its --region's (the region the data was written in)...
    app = await startTestServer({ dataDir, region: EAST });
    assert.deepEqual(await streamNames(app, EAST), ['legacy']);
    assert.deepEqual(await streamNames(app, 'eu-central-1'), []);
    await app.close();
    // ...and a later --region does not move it: it is reached by signing with its region.
    app = await startTestServer({ dataDir, region: 'eu-central-1' });
    try {
      assert.deepEqual(await streamNames(app, 'eu-central-1'), []);
      assert.deepEqual(await streamNames(app, EAST), ['legacy']);
      const c = regionClients(app, EAST);
      const d = await c.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'legacy' }));
      c.destroy();
      assert.equal(
        d.StreamDescriptionSummary?.StreamARN,
        `arn:aws:kinesis:${EAST}:000000000000:stream/legacy`,
      );
    } finally {
      await app.close();
    }
  });
});
