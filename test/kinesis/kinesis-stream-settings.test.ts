import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  DeleteStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  DisableEnhancedMonitoringCommand,
  EnableEnhancedMonitoringCommand,
  AddTagsToStreamCommand,
  ListTagsForResourceCommand,
  ListTagsForStreamCommand,
  RegisterStreamConsumerCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type KinesisClient,
  type MetricsName,
} from '@aws-sdk/client-kinesis';
import {
  kinesisClient,
  startTestServer,
  tempDir,
  transports,
  withKinesisServer,
} from '../harness/helpers.js';
import { createStream, expectAwsError } from './kinesis-fixtures.js';

/**
 * The stream settings AWS changes while a stream is UPDATING, and what DescribeStream(Summary) then shows:
 * enhanced monitoring's shard-level metrics; the tags of streams and consumers by ARN (TagResource & co.).
 */

const ACCOUNT = '000000000000';
const arnOf = (name: string): string => `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${name}`;
const ALL_METRICS = [
  'IncomingBytes',
  'IncomingRecords',
  'OutgoingBytes',
  'OutgoingRecords',
  'WriteProvisionedThroughputExceeded',
  'ReadProvisionedThroughputExceeded',
  'IteratorAgeMilliseconds',
];

async function metricsOf(k: KinesisClient, name: string): Promise<string[][]> {
  const d = (await k.send(new DescribeStreamCommand({ StreamName: name }))).StreamDescription!;
  const s = (await k.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary!;
  const fromSummary = s.EnhancedMonitoring!.map((e) => e.ShardLevelMetrics!);
  assert.deepEqual(
    d.EnhancedMonitoring!.map((e) => e.ShardLevelMetrics!),
    fromSummary,
    'DescribeStream and DescribeStreamSummary agree',
  );
  return fromSummary;
}

const enable = (k: KinesisClient, name: string, metrics: string[]) =>
  k.send(
    new EnableEnhancedMonitoringCommand({ StreamName: name, ShardLevelMetrics: metrics as MetricsName[] }),
  );
const disable = (k: KinesisClient, arn: string, metrics: string[]) =>
  k.send(
    new DisableEnhancedMonitoringCommand({ StreamARN: arn, ShardLevelMetrics: metrics as MetricsName[] }),
  );

for (const transport of transports) {
  describe(`stream settings over ${transport === 'h2' ? 'HTTP/2 (SDK default)' : 'HTTP/1.1 (NodeHttpHandler)'}`, () => {
    let k: KinesisClient;
    withKinesisServer(transport, (_app, client) => {
      k = client;
    });

    it('Enable/DisableEnhancedMonitoring add and remove shard-level metrics (ALL: every one), shown by DescribeStream(Summary)', async () => {
      await createStream(k, 'mon');
      assert.deepEqual(await metricsOf(k, 'mon'), [[]]);
      const on = await enable(k, 'mon', ['OutgoingBytes', 'IncomingBytes']);
      assert.equal(on.StreamName, 'mon');
      assert.equal(on.StreamARN, arnOf('mon'));
      assert.deepEqual(on.CurrentShardLevelMetrics, []);
      assert.deepEqual(on.DesiredShardLevelMetrics, ['IncomingBytes', 'OutgoingBytes']);
      assert.deepEqual(await metricsOf(k, 'mon'), [['IncomingBytes', 'OutgoingBytes']]);
      const all = await enable(k, 'mon', ['ALL']);
      assert.deepEqual(all.CurrentShardLevelMetrics, ['IncomingBytes', 'OutgoingBytes']);
      assert.deepEqual(all.DesiredShardLevelMetrics, ALL_METRICS);
      const off = await disable(k, arnOf('mon'), ['IncomingBytes', 'IteratorAgeMilliseconds']);
      assert.deepEqual(off.CurrentShardLevelMetrics, ALL_METRICS);
      assert.deepEqual(
        off.DesiredShardLevelMetrics,
        ALL_METRICS.filter((m) => m !== 'IncomingBytes' && m !== 'IteratorAgeMilliseconds'),
      );
      assert.equal(off.StreamName, 'mon');
      assert.deepEqual((await disable(k, arnOf('mon'), ['ALL'])).DesiredShardLevelMetrics, []);
      assert.deepEqual(await metricsOf(k, 'mon'), [[]]);
      // Disabling what is not enabled changes nothing and is no error.
      assert.deepEqual((await disable(k, arnOf('mon'), ['OutgoingRecords'])).DesiredShardLevelMetrics, []);
    });

    it('refuses a stream that does not exist, an unknown metric and too many metrics', async () => {
      await expectAwsError(
        enable(k, 'nope', ['ALL']),
        'ResourceNotFoundException',
        `Stream nope under account ${ACCOUNT} not found.`,
      );
      await expectAwsError(
        disable(k, arnOf('nope'), ['ALL']),
        'ResourceNotFoundException',
        `Stream nope under account ${ACCOUNT} not found.`,
      );
      await createStream(k, 'bad-input');
      await expectAwsError(enable(k, 'bad-input', ['Bogus']), 'ValidationException', /shardLevelMetrics/);
      await expectAwsError(
        enable(k, 'bad-input', Array(8).fill('ALL')),
        'ValidationException',
        /length less than or equal to 7/,
      );
      assert.deepEqual(await metricsOf(k, 'bad-input'), [[]], 'a refused request changes nothing');
    });
  });
}

const tagsOf = async (k: KinesisClient, arn: string): Promise<Record<string, string | undefined>> =>
  Object.fromEntries(
    (await k.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags!.map((t) => [t.Key!, t.Value]),
  );

for (const transport of transports) {
  describe(`resource tags over ${transport === 'h2' ? 'HTTP/2 (SDK default)' : 'HTTP/1.1 (NodeHttpHandler)'}`, () => {
    let k: KinesisClient;
    withKinesisServer(transport, (_app, client) => {
      k = client;
    });

    it("Tag/Untag/ListTagsForResource on a stream's ARN share AddTagsToStream's tags", async () => {
      await createStream(k, 'tagged');
      await k.send(new AddTagsToStreamCommand({ StreamName: 'tagged', Tags: { team: 'data' } }));
      await k.send(
        new TagResourceCommand({ ResourceARN: arnOf('tagged'), Tags: { env: 'test', team: 'ops' } }),
      );
      assert.deepEqual(await tagsOf(k, arnOf('tagged')), { env: 'test', team: 'ops' });
      const listed = (await k.send(new ListTagsForStreamCommand({ StreamName: 'tagged' }))).Tags;
      assert.deepEqual(listed, [
        { Key: 'env', Value: 'test' },
        { Key: 'team', Value: 'ops' },
      ]);
      await k.send(new UntagResourceCommand({ ResourceARN: arnOf('tagged'), TagKeys: ['team', 'absent'] }));
      assert.deepEqual(await tagsOf(k, arnOf('tagged')), { env: 'test' });
    });

    it("tags a consumer apart from its stream, from RegisterStreamConsumer's Tags on", async () => {
      await createStream(k, 'fan');
      const consumer = (
        await k.send(
          new RegisterStreamConsumerCommand({
            StreamARN: arnOf('fan'),
            ConsumerName: 'c',
            Tags: { owner: 'me' },
          }),
        )
      ).Consumer!.ConsumerARN!;
      assert.deepEqual(await tagsOf(k, consumer), { owner: 'me' });
      await k.send(new TagResourceCommand({ ResourceARN: consumer, Tags: { tier: 'gold' } }));
      await k.send(new UntagResourceCommand({ ResourceARN: consumer, TagKeys: ['owner'] }));
      assert.deepEqual(await tagsOf(k, consumer), { tier: 'gold' });
      assert.deepEqual(await tagsOf(k, arnOf('fan')), {}, "the stream's tags are its own");
      const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
      await expectAwsError(
        k.send(new TagResourceCommand({ ResourceARN: consumer, Tags: many })),
        'InvalidArgumentException',
        `Failed to add tags to consumer c under account ${ACCOUNT} because a given consumer cannot have more than 50 tags associated with it.`,
      );
      assert.deepEqual(await tagsOf(k, consumer), { tier: 'gold' }, 'a refused request changes nothing');
    });

    it('refuses a resource that does not exist and tags AWS does not allow', async () => {
      const notFound = `Stream nope under account ${ACCOUNT} not found.`;
      await expectAwsError(
        k.send(new TagResourceCommand({ ResourceARN: arnOf('nope'), Tags: { a: 'b' } })),
        'ResourceNotFoundException',
        notFound,
      );
      await expectAwsError(
        k.send(new ListTagsForResourceCommand({ ResourceARN: arnOf('nope') })),
        'ResourceNotFoundException',
        notFound,
      );
      await expectAwsError(
        k.send(new UntagResourceCommand({ ResourceARN: `${arnOf('nope')}/consumer/c:1`, TagKeys: ['a'] })),
        'ResourceNotFoundException',
        notFound,
      );
      await expectAwsError(
        k.send(
          new ListTagsForResourceCommand({ ResourceARN: arnOf('nope').replace('us-east-1', 'eu-west-1') }),
        ),
        'ResourceNotFoundException',
        notFound,
      );
      await createStream(k, 'strict');
      await expectAwsError(
        k.send(new TagResourceCommand({ ResourceARN: arnOf('strict'), Tags: { 'a!': 'b' } })),
        'InvalidArgumentException',
        /Some tags contain invalid characters/,
      );
      assert.deepEqual(await tagsOf(k, arnOf('strict')), {});
    });
  });
}

describe('stream settings persist', () => {
  it('survive a restart; a stream deleted and created again starts with none', async () => {
    const dataDir = tempDir();
    let app = await startTestServer({ dataDir });
    let k = kinesisClient(app, 'h1');
    try {
      await createStream(k, 'kept');
      await enable(k, 'kept', ['IncomingBytes', 'OutgoingRecords']);
      await k.send(new TagResourceCommand({ ResourceARN: arnOf('kept'), Tags: { a: '1' } }));
      const consumer = (
        await k.send(new RegisterStreamConsumerCommand({ StreamARN: arnOf('kept'), ConsumerName: 'c' }))
      ).Consumer!.ConsumerARN!;
      await k.send(new TagResourceCommand({ ResourceARN: consumer, Tags: { b: '2' } }));
      k.destroy();
      await app.close();
      app = await startTestServer({ dataDir });
      k = kinesisClient(app, 'h1');
      assert.deepEqual(await metricsOf(k, 'kept'), [['IncomingBytes', 'OutgoingRecords']]);
      assert.deepEqual(await tagsOf(k, arnOf('kept')), { a: '1' });
      assert.deepEqual(await tagsOf(k, consumer), { b: '2' });
      await k.send(new DeleteStreamCommand({ StreamName: 'kept', EnforceConsumerDeletion: true }));
      await createStream(k, 'kept');
      assert.deepEqual(await metricsOf(k, 'kept'), [[]]);
      assert.deepEqual(await tagsOf(k, arnOf('kept')), {});
      await expectAwsError(
        k.send(new ListTagsForResourceCommand({ ResourceARN: consumer })),
        'ResourceNotFoundException',
      );
    } finally {
      k.destroy();
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
