import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  EnableEnhancedMonitoringCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  PutRecordCommand,
  SplitShardCommand,
  StartStreamEncryptionCommand,
  UpdateShardCountCommand,
  UpdateStreamModeCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { App } from '../../src/app/app.js';
import type { StreamStatus } from '../../src/kinesis/model.js';
import { kinesisClient, startTestServer, withKinesisServer } from '../harness/helpers.js';
import { expectAwsError } from './kinesis-fixtures.js';
import { hooks } from '../harness/hooks.js';
import { VirtualClock } from '../harness/virtual-clock.js';

const ACCOUNT = '000000000000';
/**
 * The transition delay, on the Kinesis component's virtual clock (testHooks.kinesisClock): a transitional state
 * lasts until the test moves time forward, so the requests made inside it never race a timer. A minute: were the
 * clock not the component's, the tests would wait a real minute per transition and time out.
 */
const DELAY_MS = 60_000;

/** Resolves when the registry reports `stream` reaching `status` (listen before acting). */
function statusEvent(app: App, stream: string, status: StreamStatus): Promise<void> {
  return new Promise((resolve) => {
    const on = (e: { stream: string; status: StreamStatus }): void => {
      if (e.stream === stream && e.status === status) {
        hooks(app).kinesisEvents.off('status', on);
        resolve();
      }
    };
    hooks(app).kinesisEvents.on('status', on);
  });
}

function deletedEvent(app: App, stream: string): Promise<void> {
  return new Promise((resolve) => {
    const on = (e: { stream: string }): void => {
      if (e.stream === stream) {
        hooks(app).kinesisEvents.off('deleted', on);
        resolve();
      }
    };
    hooks(app).kinesisEvents.on('deleted', on);
  });
}

/** A server per suite whose transitions last DELAY_MS on the virtual clock this returns (one clock per suite). */
function withSlowServer(use: (app: App, k: KinesisClient) => void): VirtualClock {
  const clock = new VirtualClock(Date.now());
  withKinesisServer('h2', use, { transitionDelayMs: DELAY_MS, testHooks: { kinesisClock: clock } });
  return clock;
}

// The timeout makes a clock that is not the component's fail rather than wait real minutes.
describe(`stream lifecycle with transitionDelayMs ${DELAY_MS}`, { timeout: 30_000 }, () => {
  let app: App;
  let k: KinesisClient;
  const clock = withSlowServer((a, c) => ([app, k] = [a, c]));

  const status = async (name: string): Promise<string | undefined> =>
    (await k.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary!
      .StreamStatus;

  it('is CREATING (not writable, no shards listed) until the delay has passed, then ACTIVE', async () => {
    const active = statusEvent(app, 'slow', 'ACTIVE');
    await k.send(new CreateStreamCommand({ StreamName: 'slow', ShardCount: 1 }));
    assert.equal(await status('slow'), 'CREATING');
    assert.equal((await k.send(new ListStreamsCommand({}))).StreamSummaries![0]!.StreamStatus, 'CREATING');
    const notFound = `Stream slow under account ${ACCOUNT} not found.`;
    await expectAwsError(
      k.send(new PutRecordCommand({ StreamName: 'slow', PartitionKey: 'p', Data: Buffer.from('x') })),
      'ResourceNotFoundException',
      notFound,
    );
    // AWS lists a CREATING stream's shards only once it is ACTIVE (recorded in kinesalite's CreateStream test).
    const creating = (await k.send(new DescribeStreamCommand({ StreamName: 'slow' }))).StreamDescription!;
    assert.deepEqual(
      [creating.StreamStatus, creating.Shards, creating.HasMoreShards],
      ['CREATING', [], false],
    );
    await clock.advance(DELAY_MS - 1);
    assert.equal(await status('slow'), 'CREATING', 'still CREATING 1 ms before the delay has passed');
    await clock.advance(1);
    await active;
    assert.equal(await status('slow'), 'ACTIVE');
    await k.send(new PutRecordCommand({ StreamName: 'slow', PartitionKey: 'p', Data: Buffer.from('x') }));
  });

  it('is UPDATING while resharding: still readable and writable, no second reshard, then ACTIVE with the children', async () => {
    const active = statusEvent(app, 'slow', 'ACTIVE');
    await k.send(
      new SplitShardCommand({
        StreamName: 'slow',
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (1n << 127n).toString(),
      }),
    );
    assert.equal(await status('slow'), 'UPDATING');
    await expectAwsError(
      k.send(
        new UpdateShardCountCommand({
          StreamName: 'slow',
          TargetShardCount: 2,
          ScalingType: 'UNIFORM_SCALING',
        }),
      ),
      'ResourceInUseException',
      `Stream slow under account ${ACCOUNT} not ACTIVE, instead in state UPDATING`,
    );
    const during = await k.send(
      new PutRecordCommand({ StreamName: 'slow', PartitionKey: 'p', Data: Buffer.from('during') }),
    );
    assert.equal(
      during.ShardId,
      'shardId-000000000000',
      'the parent takes writes until the split is applied',
    );
    assert.equal(
      (await k.send(new DescribeStreamCommand({ StreamName: 'slow' }))).StreamDescription!.Shards!.length,
      1,
    );
    await clock.advance(DELAY_MS);
    await active;
    const d = (await k.send(new DescribeStreamCommand({ StreamName: 'slow' }))).StreamDescription!;
    assert.equal(d.StreamStatus, 'ACTIVE');
    assert.deepEqual(
      d.Shards!.map((s) => s.ShardId),
      ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002'],
    );
    const it = await k.send(
      new GetShardIteratorCommand({
        StreamName: 'slow',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const r = await k.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator! }));
    assert.deepEqual(
      r.Records!.map((x) => Buffer.from(x.Data!).toString()),
      ['x', 'during'],
    );
    assert.equal(r.NextShardIterator, undefined);
  });

  it('can be deleted while CREATING: DELETING with no shards listed, then gone', async () => {
    // AWS allows it (recorded in kinesalite's DeleteStream test "deleted while it is being created").
    const gone = deletedEvent(app, 'early');
    await k.send(new CreateStreamCommand({ StreamName: 'early', ShardCount: 2 }));
    await k.send(new DeleteStreamCommand({ StreamName: 'early' }));
    const d = (await k.send(new DescribeStreamCommand({ StreamName: 'early' }))).StreamDescription!;
    assert.deepEqual([d.StreamStatus, d.Shards, d.HasMoreShards], ['DELETING', [], false]);
    await expectAwsError(
      k.send(new DeleteStreamCommand({ StreamName: 'early' })),
      'ResourceNotFoundException',
      `Stream early under account ${ACCOUNT} not found.`,
    );
    // The creation's own transition, due at the same time, finds the stream DELETING and leaves it so.
    await clock.advance(DELAY_MS);
    await gone;
    await expectAwsError(
      k.send(new DescribeStreamCommand({ StreamName: 'early' })),
      'ResourceNotFoundException',
    );
  });

  it('is DELETING for the delay, then gone', async () => {
    const gone = deletedEvent(app, 'slow');
    await k.send(new DeleteStreamCommand({ StreamName: 'slow' }));
    assert.equal(await status('slow'), 'DELETING');
    await expectAwsError(
      k.send(new PutRecordCommand({ StreamName: 'slow', PartitionKey: 'p', Data: Buffer.from('x') })),
      'ResourceNotFoundException',
    );
    await expectAwsError(
      k.send(new CreateStreamCommand({ StreamName: 'slow', ShardCount: 1 })),
      'ResourceInUseException',
    );
    await clock.advance(DELAY_MS);
    await gone;
    await expectAwsError(
      k.send(new DescribeStreamCommand({ StreamName: 'slow' })),
      'ResourceNotFoundException',
      `Stream slow under account ${ACCOUNT} not found.`,
    );
  });

  it('a stream deleted during a reshard is not brought back by it', async () => {
    const active = statusEvent(app, 'flip', 'ACTIVE');
    await k.send(new CreateStreamCommand({ StreamName: 'flip', ShardCount: 2 }));
    await clock.advance(DELAY_MS);
    await active;
    const gone = deletedEvent(app, 'flip');
    await k.send(
      new UpdateShardCountCommand({
        StreamName: 'flip',
        TargetShardCount: 4,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
    await k.send(new DeleteStreamCommand({ StreamName: 'flip' }));
    // The reshard's completion and the deletion's are due at the same time; the reshard's, scheduled first, runs
    // first and must not bring the stream back.
    await clock.advance(DELAY_MS);
    await gone;
    await expectAwsError(
      k.send(new DescribeStreamCommand({ StreamName: 'flip' })),
      'ResourceNotFoundException',
    );
    assert.equal(hooks(app).streams.openShardCount(), 0);
  });
});

describe(`stream settings with transitionDelayMs ${DELAY_MS}`, { timeout: 30_000 }, () => {
  let app: App;
  let k: KinesisClient;
  const clock = withSlowServer((a, c) => ([app, k] = [a, c]));

  it('a setting change makes the stream UPDATING until the delay has passed; meanwhile changes are refused', async () => {
    const status = async (): Promise<string | undefined> =>
      (await k.send(new DescribeStreamSummaryCommand({ StreamName: 'set' }))).StreamDescriptionSummary!
        .StreamStatus;
    const changes: Array<[string, () => Promise<unknown>]> = [
      [
        'EnableEnhancedMonitoring',
        () => k.send(new EnableEnhancedMonitoringCommand({ StreamName: 'set', ShardLevelMetrics: ['ALL'] })),
      ],
      [
        'StartStreamEncryption',
        () =>
          k.send(
            new StartStreamEncryptionCommand({
              StreamName: 'set',
              EncryptionType: 'KMS',
              KeyId: 'alias/aws/kinesis',
            }),
          ),
      ],
      [
        'UpdateStreamMode',
        () =>
          k.send(
            new UpdateStreamModeCommand({
              StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/set`,
              StreamModeDetails: { StreamMode: 'ON_DEMAND' },
            }),
          ),
      ],
    ];
    await k.send(new CreateStreamCommand({ StreamName: 'set', ShardCount: 1 }));
    for (const [what, change] of changes)
      await expectAwsError(
        change(),
        'ResourceNotFoundException',
        `Stream set under account ${ACCOUNT} not found.`,
      ).catch((e: Error) => assert.fail(`${what} on a CREATING stream: ${e.message}`));
    await clock.advance(DELAY_MS);
    for (const [what, change] of changes) {
      assert.equal(await status(), 'ACTIVE', what);
      await change();
      assert.equal(await status(), 'UPDATING', what);
      for (const [other, refused] of changes)
        await expectAwsError(
          refused(),
          'ResourceInUseException',
          `Stream set under account ${ACCOUNT} not ACTIVE, instead in state UPDATING`,
        ).catch((e: Error) => assert.fail(`${other} while UPDATING: ${e.message}`));
      await clock.advance(DELAY_MS);
    }
    // The mode the stream has already: nothing to change, no UPDATING.
    await k.send(
      new UpdateStreamModeCommand({
        StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/set`,
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      }),
    );
    assert.equal(await status(), 'ACTIVE', 'the same mode again');
    // Deleted while UPDATING: the change's completion must not bring the stream back.
    await changes[0]![1]();
    const gone = deletedEvent(app, 'set');
    await k.send(new DeleteStreamCommand({ StreamName: 'set' }));
    await clock.advance(DELAY_MS);
    await gone;
    await expectAwsError(
      k.send(new DescribeStreamCommand({ StreamName: 'set' })),
      'ResourceNotFoundException',
    );
  });
});

describe('stream lifecycle with transitionDelayMs 0', () => {
  it('is ACTIVE as soon as CreateStream returns and gone as soon as DeleteStream returns', async () => {
    await using app = await startTestServer({ transitionDelayMs: 0 });
    const k = kinesisClient(app);
    await k.send(new CreateStreamCommand({ StreamName: 'quick', ShardCount: 1 }));
    assert.equal(
      (await k.send(new DescribeStreamCommand({ StreamName: 'quick' }))).StreamDescription!.StreamStatus,
      'ACTIVE',
    );
    await k.send(new DeleteStreamCommand({ StreamName: 'quick' }));
    await expectAwsError(
      k.send(new DescribeStreamCommand({ StreamName: 'quick' })),
      'ResourceNotFoundException',
    );
    k.destroy();
  });
});
