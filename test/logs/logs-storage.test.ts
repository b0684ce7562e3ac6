import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
  type CloudWatchLogsClient,
} from '@aws-sdk/client-cloudwatch-logs';
import { startTestServer, tempDir } from '../harness/helpers.js';
import { spawnServer, stopServer } from '../harness/server-process.js';
import { logsClient } from './logs-helpers.js';

const MiB = 1024 * 1024;

/** One PutLogEvents of `count` events of `size` bytes each, marked `tag`. */
async function putBatch(
  c: CloudWatchLogsClient,
  g: string,
  tag: string,
  count: number,
  size: number,
): Promise<void> {
  const now = Date.now();
  await c.send(
    new PutLogEventsCommand({
      logGroupName: g,
      logStreamName: 's',
      logEvents: Array.from({ length: count }, (_, i) => ({
        timestamp: now,
        message: `${tag}:${i}:`.padEnd(size, 'x'),
      })),
    }),
  );
}

async function setUp(c: CloudWatchLogsClient, g: string): Promise<void> {
  await c.send(new CreateLogGroupCommand({ logGroupName: g }));
  await c.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: 's' }));
}

describe('CloudWatch Logs storage', () => {
  it('keeps at most logs.maxStoredBytes over all groups, removing the oldest events first', async () => {
    const app = await startTestServer({ logs: { maxStoredBytes: MiB } });
    try {
      const c = logsClient(app);
      await setUp(c, 'chatty');
      await setUp(c, 'quiet');
      await putBatch(c, 'quiet', 'q', 1, 100);
      // Each batch is 40 * (10000 + 26) bytes, about 0.38 MiB: the third goes past the cap.
      for (const tag of ['a', 'b', 'c']) await putBatch(c, 'chatty', tag, 40, 10_000);
      const groups = (await c.send(new DescribeLogGroupsCommand({}))).logGroups!;
      const stored = groups.reduce((n, g) => n + g.storedBytes!, 0);
      assert.ok(stored <= MiB, `${stored} bytes stored`);
      const first = await c.send(
        new GetLogEventsCommand({
          logGroupName: 'chatty',
          logStreamName: 's',
          startFromHead: true,
          limit: 1,
        }),
      );
      assert.match(first.events![0]!.message!, /^b:0:/, 'the oldest batch went first');
      // The quiet group's older event went before the chatty group's first batch (oldest first, over all groups).
      const quiet = await c.send(new GetLogEventsCommand({ logGroupName: 'quiet', logStreamName: 's' }));
      assert.deepEqual(quiet.events, []);
    } finally {
      await app.close();
    }
  });

  it('--in-memory keeps nothing on disk', async () => {
    const dataDir = tempDir('tributary-logs-mem-');
    const app = await startTestServer({ dataDir, inMemory: true });
    try {
      const c = logsClient(app, 'h1');
      await setUp(c, 'mem');
      await putBatch(c, 'mem', 'm', 3, 50);
      assert.equal(
        (await c.send(new GetLogEventsCommand({ logGroupName: 'mem', logStreamName: 's' }))).events!.length,
        3,
      );
    } finally {
      await app.close();
    }
    assert.deepEqual(readdirSync(dataDir), []);
  });

  it('a PutLogEvents answered is durable across kill -9; a deleted group stays deleted', async () => {
    const dataDir = tempDir('tributary-logs-kill-');
    const first = await spawnServer(['--data-dir', dataDir]);
    let c = logsClient(first);
    await setUp(c, 'durable');
    await setUp(c, 'gone');
    await putBatch(c, 'durable', 'd', 5, 40);
    await c.send(new DeleteLogGroupCommand({ logGroupName: 'gone' }));
    await first.kill9();

    const second = await spawnServer(['--data-dir', dataDir]);
    try {
      c = logsClient(second, 'h1');
      const events = (
        await c.send(
          new GetLogEventsCommand({ logGroupName: 'durable', logStreamName: 's', startFromHead: true }),
        )
      ).events!;
      assert.deepEqual(
        events.map((e) => e.message!.slice(0, 4)),
        ['d:0:', 'd:1:', 'd:2:', 'd:3:', 'd:4:'],
      );
      const groups = (await c.send(new DescribeLogGroupsCommand({}))).logGroups!.map((g) => g.logGroupName);
      assert.deepEqual(groups, ['durable']);
    } finally {
      assert.equal(await stopServer(second), 0);
    }
  });
});
