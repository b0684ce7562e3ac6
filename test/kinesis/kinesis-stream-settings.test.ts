import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  DeleteStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  DisableEnhancedMonitoringCommand,
  EnableEnhancedMonitoringCommand,
  DescribeAccountSettingsCommand,
  UpdateAccountSettingsCommand,
  UpdateStreamWarmThroughputCommand,
  PutResourcePolicyCommand,
  ListStreamsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  SplitShardCommand,
  StartStreamEncryptionCommand,
  StopStreamEncryptionCommand,
  UpdateStreamModeCommand,
  ListTagsForResourceCommand,
  RegisterStreamConsumerCommand,
  TagResourceCommand,
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
import { createStream, expectAwsError, policyFor, policyOf, tagsOf } from './kinesis-fixtures.js';

/**
 * The stream settings AWS changes while a stream is UPDATING, and what DescribeStream(Summary) then shows:
 * enhanced monitoring's shard-level metrics, encryption, the capacity mode, warm throughput; and that they persist.
 * Tags and resource policies by ARN: kinesis-resource-tags-policies.test.ts.
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

const KEY = 'arn:aws:kms:us-east-1:000000000000:key/12345678-1234-1234-1234-123456789012';

async function encryptionOf(k: KinesisClient, name: string): Promise<[string?, string?]> {
  const d = (await k.send(new DescribeStreamCommand({ StreamName: name }))).StreamDescription!;
  const s = (await k.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary!;
  assert.deepEqual(
    [d.EncryptionType, d.KeyId],
    [s.EncryptionType, s.KeyId],
    'DescribeStream and Summary agree',
  );
  return s.KeyId === undefined ? [s.EncryptionType] : [s.EncryptionType, s.KeyId];
}

async function modeOf(k: KinesisClient, name: string): Promise<string | undefined> {
  const d = (await k.send(new DescribeStreamCommand({ StreamName: name }))).StreamDescription!;
  const s = (await k.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary!;
  const listed = (await k.send(new ListStreamsCommand({}))).StreamSummaries!.find(
    (x) => x.StreamName === name,
  );
  assert.equal(d.StreamModeDetails?.StreamMode, s.StreamModeDetails?.StreamMode);
  assert.equal(listed?.StreamModeDetails?.StreamMode, s.StreamModeDetails?.StreamMode);
  return s.StreamModeDetails?.StreamMode;
}

const put = async (k: KinesisClient, name: string): Promise<[string?, string?]> => [
  (await k.send(new PutRecordCommand({ StreamName: name, PartitionKey: 'p', Data: Buffer.from('x') })))
    .EncryptionType,
  (
    await k.send(
      new PutRecordsCommand({ StreamName: name, Records: [{ PartitionKey: 'p', Data: Buffer.from('y') }] }),
    )
  ).EncryptionType,
];

for (const transport of transports) {
  describe(`encryption and capacity mode over ${transport === 'h2' ? 'HTTP/2 (SDK default)' : 'HTTP/1.1 (NodeHttpHandler)'}`, () => {
    let k: KinesisClient;
    withKinesisServer(transport, (_app, client) => {
      k = client;
    });

    it('Start/StopStreamEncryption set EncryptionType and KeyId, shown by DescribeStream(Summary), PutRecord(s)', async () => {
      await createStream(k, 'enc');
      assert.deepEqual(await encryptionOf(k, 'enc'), ['NONE']);
      assert.deepEqual(await put(k, 'enc'), ['NONE', 'NONE']);
      await k.send(
        new StartStreamEncryptionCommand({ StreamName: 'enc', EncryptionType: 'KMS', KeyId: KEY }),
      );
      assert.deepEqual(await encryptionOf(k, 'enc'), ['KMS', KEY]);
      assert.deepEqual(await put(k, 'enc'), ['KMS', 'KMS']);
      // A new key replaces the old one ("enables or updates server-side encryption").
      await k.send(
        new StartStreamEncryptionCommand({
          StreamARN: arnOf('enc'),
          EncryptionType: 'KMS',
          KeyId: 'alias/aws/kinesis',
        }),
      );
      assert.deepEqual(await encryptionOf(k, 'enc'), ['KMS', 'alias/aws/kinesis']);
      await k.send(
        new StopStreamEncryptionCommand({
          StreamARN: arnOf('enc'),
          EncryptionType: 'KMS',
          KeyId: 'alias/aws/kinesis',
        }),
      );
      assert.deepEqual(await encryptionOf(k, 'enc'), ['NONE']);
      assert.deepEqual(await put(k, 'enc'), ['NONE', 'NONE']);
      await expectAwsError(
        k.send(new StartStreamEncryptionCommand({ StreamName: 'enc', EncryptionType: 'NONE', KeyId: KEY })),
        'InvalidArgumentException',
        'Encryption type NONE is not valid for StartStreamEncryption. The only valid value is KMS.',
      );
      await expectAwsError(
        k.send(new StartStreamEncryptionCommand({ StreamName: 'nope', EncryptionType: 'KMS', KeyId: KEY })),
        'ResourceNotFoundException',
        `Stream nope under account ${ACCOUNT} not found.`,
      );
      assert.deepEqual(await encryptionOf(k, 'enc'), ['NONE']);
    });

    it('UpdateStreamMode switches PROVISIONED <-> ON_DEMAND, keeping the shards; resharding follows the mode', async () => {
      const shards = await createStream(k, 'mode', 2);
      assert.equal(await modeOf(k, 'mode'), 'PROVISIONED');
      await k.send(
        new UpdateStreamModeCommand({
          StreamARN: arnOf('mode'),
          StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        }),
      );
      assert.equal(await modeOf(k, 'mode'), 'ON_DEMAND');
      const open = (await k.send(new DescribeStreamSummaryCommand({ StreamName: 'mode' })))
        .StreamDescriptionSummary!.OpenShardCount;
      assert.equal(open, 2);
      await expectAwsError(
        k.send(
          new SplitShardCommand({
            StreamName: 'mode',
            ShardToSplit: shards[0]!.ShardId!,
            NewStartingHashKey: '1000',
          }),
        ),
        'ValidationException',
        `Request is invalid. Stream mode under account ${ACCOUNT} is in On-Demand mode.`,
      );
      await k.send(
        new UpdateStreamModeCommand({
          StreamARN: arnOf('mode'),
          StreamModeDetails: { StreamMode: 'PROVISIONED' },
        }),
      );
      assert.equal(await modeOf(k, 'mode'), 'PROVISIONED');
      await expectAwsError(
        k.send(
          new UpdateStreamModeCommand({
            StreamARN: arnOf('nope'),
            StreamModeDetails: { StreamMode: 'ON_DEMAND' },
          }),
        ),
        'ResourceNotFoundException',
        `Stream nope under account ${ACCOUNT} not found.`,
      );
    });
  });
}

const warmOf = async (k: KinesisClient, name: string) =>
  (await k.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary!
    .WarmThroughput;

describe('stream settings persist', () => {
  it('survive a restart (the account settings too); a stream deleted and created again starts with none', async () => {
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
      await k.send(
        new PutResourcePolicyCommand({ ResourceARN: arnOf('kept'), Policy: policyFor(arnOf('kept')) }),
      );
      await k.send(
        new StartStreamEncryptionCommand({ StreamName: 'kept', EncryptionType: 'KMS', KeyId: KEY }),
      );
      await k.send(
        new UpdateStreamModeCommand({
          StreamARN: arnOf('kept'),
          StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        }),
      );
      await k.send(
        new UpdateAccountSettingsCommand({ MinimumThroughputBillingCommitment: { Status: 'ENABLED' } }),
      );
      await k.send(new UpdateStreamWarmThroughputCommand({ StreamName: 'kept', WarmThroughputMiBps: 64 }));
      k.destroy();
      await app.close();
      app = await startTestServer({ dataDir });
      k = kinesisClient(app, 'h1');
      assert.deepEqual(await metricsOf(k, 'kept'), [['IncomingBytes', 'OutgoingRecords']]);
      assert.deepEqual(await tagsOf(k, arnOf('kept')), { a: '1' });
      assert.deepEqual(await tagsOf(k, consumer), { b: '2' });
      assert.equal(await policyOf(k, arnOf('kept')), policyFor(arnOf('kept')));
      assert.deepEqual(await encryptionOf(k, 'kept'), ['KMS', KEY]);
      assert.equal(await modeOf(k, 'kept'), 'ON_DEMAND');
      assert.deepEqual(await warmOf(k, 'kept'), { TargetMiBps: 64, CurrentMiBps: 64 });
      assert.equal(
        (await k.send(new DescribeAccountSettingsCommand({}))).MinimumThroughputBillingCommitment?.Status,
        'ENABLED',
      );
      await k.send(new DeleteStreamCommand({ StreamName: 'kept', EnforceConsumerDeletion: true }));
      await createStream(k, 'kept');
      assert.deepEqual(await metricsOf(k, 'kept'), [[]]);
      assert.deepEqual(await tagsOf(k, arnOf('kept')), {});
      assert.equal(await policyOf(k, arnOf('kept')), '{}');
      assert.deepEqual(await encryptionOf(k, 'kept'), ['NONE']);
      assert.equal(await modeOf(k, 'kept'), 'PROVISIONED');
      assert.equal(await warmOf(k, 'kept'), undefined);
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
