import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
  ListTagsForResourceCommand,
  ListTagsLogGroupCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  TagLogGroupCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { App } from '../../src/app/app.js';
import { awsCli, rejectsWith, transports, withServer } from '../harness/helpers.js';
import { logsClient } from './logs-helpers.js';

const DAY = 86_400_000;

// Groups, streams, writing events, retention, bad input and tags; reading back (GetLogEvents tokens, Describe*
// pages, FilterLogEvents) is in logs-reads.test.ts.
describe('CloudWatch Logs API', () => {
  let app: App;
  withServer((a) => (app = a));

  for (const transport of transports) {
    it(`groups, streams and events with @aws-sdk/client-cloudwatch-logs (${transport})`, async () => {
      const c = logsClient(app, transport);
      const g = `/app/${transport}`;
      await c.send(new CreateLogGroupCommand({ logGroupName: g }));
      await rejectsWith(
        c.send(new CreateLogGroupCommand({ logGroupName: g })),
        'ResourceAlreadyExistsException',
        'The specified log group already exists',
      );
      await rejectsWith(
        c.send(new CreateLogStreamCommand({ logGroupName: `${g}-none`, logStreamName: 's' })),
        'ResourceNotFoundException',
        'The specified log group does not exist.',
      );
      await c.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: 'one' }));
      await rejectsWith(
        c.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: 'one' })),
        'ResourceAlreadyExistsException',
        'The specified log stream already exists',
      );
      await rejectsWith(
        c.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: 'two' })),
        'ResourceNotFoundException',
        'The specified log stream does not exist.',
      );
      const now = Date.now();
      const put = await c.send(
        new PutLogEventsCommand({
          logGroupName: g,
          logStreamName: 'one',
          logEvents: [1, 2, 3].map((i) => ({ timestamp: now + i, message: `line ${i}` })),
        }),
      );
      assert.equal(put.rejectedLogEventsInfo, undefined);
      const got = await c.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: 'one' }));
      assert.deepEqual(
        got.events?.map((e) => [e.timestamp, e.message]),
        [1, 2, 3].map((i) => [now + i, `line ${i}`]),
      );
      assert.ok(got.events?.every((e) => typeof e.ingestionTime === 'number'));
      const groups = await c.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: g }));
      assert.equal(groups.logGroups?.length, 1);
      const group = groups.logGroups![0]!;
      assert.equal(group.logGroupName, g);
      assert.equal(group.arn, `arn:aws:logs:us-east-1:000000000000:log-group:${g}:*`);
      assert.equal(group.logGroupArn, `arn:aws:logs:us-east-1:000000000000:log-group:${g}`);
      assert.equal(group.storedBytes, 3 * (6 + 26));
      assert.equal(group.retentionInDays, undefined);
      await c.send(new DeleteLogGroupCommand({ logGroupName: g }));
      await rejectsWith(
        c.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: 'one' })),
        'ResourceNotFoundException',
        'The specified log group does not exist.',
      );
      await rejectsWith(
        c.send(new DeleteLogGroupCommand({ logGroupName: g })),
        'ResourceNotFoundException',
        'The specified log group does not exist.',
      );
      // Re-created, it starts empty.
      await c.send(new CreateLogGroupCommand({ logGroupName: g }));
      const streams = await c.send(new DescribeLogStreamsCommand({ logGroupName: g }));
      assert.deepEqual(streams.logStreams, []);
    });
  }

  it('answers bad input as AWS does, leaving nothing behind', async () => {
    const c = logsClient(app, 'h1');
    await rejectsWith(
      c.send(new DescribeLogGroupsCommand({ limit: 0 })),
      'InvalidParameterException',
      "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    await rejectsWith(
      c.send(new CreateLogGroupCommand({ logGroupName: 'bad name!' })),
      'InvalidParameterException',
      /^1 validation error detected: Value 'bad name!' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
    await c.send(new CreateLogGroupCommand({ logGroupName: 'retention' }));
    await rejectsWith(
      c.send(new PutRetentionPolicyCommand({ logGroupName: 'retention', retentionInDays: 2 })),
      'InvalidParameterException',
      'Invalid retention value. Valid values are: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]',
    );
    await rejectsWith(
      c.send(new PutRetentionPolicyCommand({ logGroupName: 'nope', retentionInDays: 7 })),
      'ResourceNotFoundException',
      'The specified log group does not exist.',
    );
    await c.send(new CreateLogStreamCommand({ logGroupName: 'retention', logStreamName: 's' }));
    const now = Date.now();
    await rejectsWith(
      c.send(
        new PutLogEventsCommand({
          logGroupName: 'retention',
          logStreamName: 's',
          logEvents: [
            { timestamp: now, message: 'b' },
            { timestamp: now - 1, message: 'a' },
          ],
        }),
      ),
      'InvalidParameterException',
      'Log events in a single PutLogEvents request must be in chronological order.',
    );
    const got = await c.send(new GetLogEventsCommand({ logGroupName: 'retention', logStreamName: 's' }));
    assert.deepEqual(got.events, []);
    await rejectsWith(
      c.send(
        new DescribeLogStreamsCommand({
          logGroupName: 'retention',
          orderBy: 'LastEventTime',
          logStreamNamePrefix: 'x',
        }),
      ),
      'InvalidParameterException',
      'Cannot order by LastEventTime with a logStreamNamePrefix.',
    );
  });

  it('PutLogEvents rejects events too old, too new and past retention; retention trims what is stored', async () => {
    const c = logsClient(app);
    const g = 'trimmed';
    await c.send(new CreateLogGroupCommand({ logGroupName: g }));
    await c.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: 's' }));
    const now = Date.now();
    const put = await c.send(
      new PutLogEventsCommand({
        logGroupName: g,
        logStreamName: 's',
        logEvents: [
          { timestamp: now - 15 * DAY, message: 'too old' },
          { timestamp: now - 15 * DAY + 1, message: 'too old too' },
          { timestamp: now - 15 * DAY + 2, message: 'still too old' },
        ],
      }),
    );
    assert.deepEqual(put.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 3 });
    const newer = await c.send(
      new PutLogEventsCommand({
        logGroupName: g,
        logStreamName: 's',
        logEvents: [
          { timestamp: now, message: 'now' },
          { timestamp: now + 3 * 3_600_000, message: 'too new' },
        ],
      }),
    );
    assert.deepEqual(newer.rejectedLogEventsInfo, { tooNewLogEventStartIndex: 1 });
    await c.send(
      new PutLogEventsCommand({
        logGroupName: g,
        logStreamName: 's',
        logEvents: [{ timestamp: now - 2 * DAY, message: 'two days old' }],
      }),
    );
    const before = await c.send(
      new GetLogEventsCommand({ logGroupName: g, logStreamName: 's', startFromHead: true }),
    );
    assert.deepEqual(
      before.events?.map((e) => e.message),
      ['now', 'two days old'],
    );

    await c.send(new PutRetentionPolicyCommand({ logGroupName: g, retentionInDays: 1 }));
    const described = await c.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: g }));
    assert.equal(described.logGroups?.[0]?.retentionInDays, 1);
    const after = await c.send(
      new GetLogEventsCommand({ logGroupName: g, logStreamName: 's', startFromHead: true }),
    );
    assert.deepEqual(
      after.events?.map((e) => e.message),
      ['now'],
      'the expired block is gone',
    );
    assert.equal(described.logGroups?.[0]?.storedBytes, 3 + 26);
    const expired = await c.send(
      new PutLogEventsCommand({
        logGroupName: g,
        logStreamName: 's',
        logEvents: [
          { timestamp: now - DAY - 60_000, message: 'expired' },
          { timestamp: now - DAY + 60_000, message: 'kept' },
        ],
      }),
    );
    assert.deepEqual(expired.rejectedLogEventsInfo, { expiredLogEventEndIndex: 1 });
    await c.send(new DeleteRetentionPolicyCommand({ logGroupName: g }));
    const again = await c.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: g }));
    assert.equal(again.logGroups?.[0]?.retentionInDays, undefined);
  });

  it('tags: CreateLogGroup, TagResource / UntagResource / ListTagsForResource by ARN, and the older *LogGroup calls', async () => {
    const c = logsClient(app);
    const arn = 'arn:aws:logs:us-east-1:000000000000:log-group:tagged';
    await c.send(new CreateLogGroupCommand({ logGroupName: 'tagged', tags: { team: 'data' } }));
    await c.send(new TagResourceCommand({ resourceArn: arn, tags: { env: 'dev', team: 'platform' } }));
    const tags = await c.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    assert.deepEqual(tags.tags, { env: 'dev', team: 'platform' });
    await c.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['env'] }));
    await c.send(new TagLogGroupCommand({ logGroupName: 'tagged', tags: { cost: 'a:b/c' } }));
    const old = await c.send(new ListTagsLogGroupCommand({ logGroupName: 'tagged' }));
    assert.deepEqual(old.tags, { team: 'platform', cost: 'a:b/c' });
    const cli = (await awsCli(app, ['logs', 'list-tags-for-resource', '--resource-arn', arn])).json;
    assert.deepEqual(cli, { tags: { team: 'platform', cost: 'a:b/c' } });
    await rejectsWith(
      c.send(new TagResourceCommand({ resourceArn: `${arn}-none`, tags: { a: 'b' } })),
      'ResourceNotFoundException',
      'The specified log group does not exist.',
    );
    await rejectsWith(
      c.send(new TagResourceCommand({ resourceArn: arn, tags: { 'bad!': 'x' } })),
      'InvalidParameterException',
      /^1 validation error detected: Value .* at 'tags' failed to satisfy constraint: Map keys must satisfy constraint/,
    );
  });
});
