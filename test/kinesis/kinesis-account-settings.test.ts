import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import {
  CreateStreamCommand,
  DescribeAccountSettingsCommand,
  DescribeStreamSummaryCommand,
  UpdateAccountSettingsCommand,
  UpdateStreamModeCommand,
  UpdateStreamWarmThroughputCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { App } from '../../src/app/app.js';
import { kinesisClient, startTestServer, transports } from '../harness/helpers.js';
import { VirtualClock } from '../harness/virtual-clock.js';
import { expectAwsError } from './kinesis-fixtures.js';

/**
 * The account's minimum throughput billing commitment (Describe/UpdateAccountSettings) by AWS's 24-hour rule, and
 * the warm throughput of on-demand streams it allows (UpdateStreamWarmThroughput), on the component's virtual
 * clock (transitions at delay 0 finish at once; the commitment's day passes when the test says so).
 */

const ACCOUNT = '000000000000';
const DAY = 24 * 3_600_000;
const arnOf = (name: string): string => `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${name}`;

for (const transport of transports) {
  describe(`account settings over ${transport === 'h2' ? 'HTTP/2 (SDK default)' : 'HTTP/1.1 (NodeHttpHandler)'}`, () => {
    let app: App;
    let clock: VirtualClock;
    let k: KinesisClient;
    before(async () => {
      clock = new VirtualClock(Date.UTC(2026, 5, 1));
      app = await startTestServer({ testHooks: { kinesisClock: clock } });
      k = kinesisClient(app, transport);
    });
    after(async () => {
      k.destroy();
      await app.close();
    });

    const commitment = async () =>
      (await k.send(new DescribeAccountSettingsCommand({}))).MinimumThroughputBillingCommitment!;
    const update = async (Status: 'ENABLED' | 'DISABLED') =>
      (await k.send(new UpdateAccountSettingsCommand({ MinimumThroughputBillingCommitment: { Status } })))
        .MinimumThroughputBillingCommitment!;

    it('commits for at least a day: an early disable ends it at the earliest allowed end, an enable cancels that', async () => {
      assert.deepEqual(await commitment(), { Status: 'DISABLED' });
      const start = clock.now();
      const enabled = await update('ENABLED');
      assert.equal(enabled.Status, 'ENABLED');
      assert.equal(enabled.StartedAt?.getTime(), start);
      assert.equal(enabled.EarliestAllowedEndAt?.getTime(), start + DAY);
      assert.deepEqual(await commitment(), enabled);
      await clock.advance(DAY / 2);
      const early = await update('DISABLED');
      assert.equal(early.Status, 'ENABLED_UNTIL_EARLIEST_ALLOWED_END');
      assert.equal(early.EndedAt?.getTime(), start + DAY);
      assert.equal((await update('ENABLED')).Status, 'ENABLED', 'enabling again cancels the pending end');
      assert.equal((await commitment()).EndedAt, undefined);
      await update('DISABLED');
      await clock.advance(DAY / 2);
      const ended = await commitment();
      assert.equal(ended.Status, 'DISABLED', 'ended at the earliest allowed end');
      assert.equal(ended.EndedAt?.getTime(), start + DAY);
      const again = await update('ENABLED');
      assert.equal(again.StartedAt?.getTime(), clock.now(), 'a new commitment');
      await clock.advance(DAY);
      const late = await update('DISABLED');
      assert.equal(late.Status, 'DISABLED', 'a commitment past its day ends at once');
      assert.equal(late.EndedAt?.getTime(), clock.now());
    });

    it('UpdateStreamWarmThroughput: an on-demand stream of a committed account, UPDATING towards the target', async () => {
      await update('DISABLED');
      await k.send(
        new CreateStreamCommand({ StreamName: 'warm', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
      );
      await k.send(new CreateStreamCommand({ StreamName: 'prov', ShardCount: 1 }));
      await expectAwsError(
        k.send(new UpdateStreamWarmThroughputCommand({ StreamName: 'warm', WarmThroughputMiBps: 100 })),
        'InvalidArgumentException',
        `Warm throughput requires the minimum throughput billing commitment to be enabled for account ${ACCOUNT}.`,
      );
      await update('ENABLED');
      await expectAwsError(
        k.send(new UpdateStreamWarmThroughputCommand({ StreamARN: arnOf('prov'), WarmThroughputMiBps: 100 })),
        'InvalidArgumentException',
        `Stream prov under account ${ACCOUNT} is in PROVISIONED mode. Warm throughput is only supported for on-demand streams.`,
      );
      await expectAwsError(
        k.send(new UpdateStreamWarmThroughputCommand({ StreamName: 'warm', WarmThroughputMiBps: 10241 })),
        'LimitExceededException',
      );
      await expectAwsError(
        k.send(new UpdateStreamWarmThroughputCommand({ StreamName: 'nope', WarmThroughputMiBps: 1 })),
        'ResourceNotFoundException',
        `Stream nope under account ${ACCOUNT} not found.`,
      );
      const out = await k.send(
        new UpdateStreamWarmThroughputCommand({ StreamARN: arnOf('warm'), WarmThroughputMiBps: 200 }),
      );
      assert.equal(out.StreamName, 'warm');
      assert.equal(out.StreamARN, arnOf('warm'));
      // At delay 0 the stream is ACTIVE again at once: the target is current.
      assert.deepEqual(out.WarmThroughput, { TargetMiBps: 200, CurrentMiBps: 200 });
      const summary = (await k.send(new DescribeStreamSummaryCommand({ StreamName: 'warm' })))
        .StreamDescriptionSummary!;
      assert.deepEqual(summary.WarmThroughput, { TargetMiBps: 200, CurrentMiBps: 200 });
      await k.send(
        new UpdateStreamModeCommand({
          StreamARN: arnOf('warm'),
          StreamModeDetails: { StreamMode: 'PROVISIONED' },
        }),
      );
      const prov = (await k.send(new DescribeStreamSummaryCommand({ StreamName: 'warm' })))
        .StreamDescriptionSummary!;
      assert.equal(prov.WarmThroughput, undefined, 'a provisioned stream has none');
    });
  });
}
