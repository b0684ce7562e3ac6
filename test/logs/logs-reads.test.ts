import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { App } from '../../src/app/app.js';
import { rejectsWith, withServer } from '../harness/helpers.js';
import { logsClient } from './logs-helpers.js';

// Reading logs back: GetLogEvents tokens, DescribeLogGroups/DescribeLogStreams order and pages, FilterLogEvents.
describe('CloudWatch Logs API: reads', () => {
  let app: App;
  withServer((a) => (app = a));

  it('GetLogEvents tokens: forward, backward, and the same token back at either end', async () => {
    const c = logsClient(app);
    const g = 'tokens';
    await c.send(new CreateLogGroupCommand({ logGroupName: g }));
    await c.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: 's' }));
    const t0 = Date.now() - 60_000;
    for (let batch = 0; batch < 3; batch++)
      await c.send(
        new PutLogEventsCommand({
          logGroupName: g,
          logStreamName: 's',
          logEvents: [0, 1, 2, 3].map((i) => ({
            timestamp: t0 + batch * 4 + i,
            message: `m${batch * 4 + i}`,
          })),
        }),
      );
    const get = (extra: Record<string, unknown>) =>
      c.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: 's', limit: 5, ...extra }));
    const msgs = (r: { events?: Array<{ message?: string }> }) => r.events?.map((e) => e.message ?? '');

    // Without a token: the newest `limit` events.
    const tail = await get({});
    assert.deepEqual(msgs(tail), ['m7', 'm8', 'm9', 'm10', 'm11']);
    const atEnd = await get({ nextToken: tail.nextForwardToken });
    assert.deepEqual(msgs(atEnd), []);
    assert.equal(atEnd.nextForwardToken, tail.nextForwardToken, 'the same token at the end');
    const back = await get({ nextToken: tail.nextBackwardToken });
    assert.deepEqual(msgs(back), ['m2', 'm3', 'm4', 'm5', 'm6']);
    const back2 = await get({ nextToken: back.nextBackwardToken });
    assert.deepEqual(msgs(back2), ['m0', 'm1']);
    const back3 = await get({ nextToken: back2.nextBackwardToken });
    assert.deepEqual(msgs(back3), []);
    assert.equal(back3.nextBackwardToken, back2.nextBackwardToken, 'the same token at the head');

    // From the head, page by page to the end.
    let page = await get({ startFromHead: true });
    const seen: string[] = [];
    for (;;) {
      seen.push(...(msgs(page) ?? []));
      const next = await get({ nextToken: page.nextForwardToken });
      if (next.nextForwardToken === page.nextForwardToken) break;
      page = next;
    }
    assert.deepEqual(
      seen,
      Array.from({ length: 12 }, (_, i) => `m${i}`),
    );

    // New events are read with the token the reader stopped at.
    await c.send(
      new PutLogEventsCommand({
        logGroupName: g,
        logStreamName: 's',
        logEvents: [{ timestamp: t0 + 100, message: 'late' }],
      }),
    );
    assert.deepEqual(msgs(await get({ nextToken: tail.nextForwardToken })), ['late']);

    // startTime inclusive, endTime exclusive.
    assert.deepEqual(msgs(await get({ startFromHead: true, startTime: t0 + 3, endTime: t0 + 6 })), [
      'm3',
      'm4',
      'm5',
    ]);
    await rejectsWith(
      get({ nextToken: 'f/garbage' }),
      'InvalidParameterException',
      'The specified nextToken is invalid.',
    );
  });

  it('DescribeLogGroups and DescribeLogStreams: order, prefixes, patterns, pages', async () => {
    const c = logsClient(app);
    for (const n of ['/page/c', '/page/a', '/page/b', '/other/Page-x'])
      await c.send(new CreateLogGroupCommand({ logGroupName: n }));
    const first = await c.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/page/', limit: 2 }));
    assert.deepEqual(
      first.logGroups?.map((g) => g.logGroupName),
      ['/page/a', '/page/b'],
    );
    assert.ok(first.nextToken);
    const second = await c.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: '/page/', limit: 2, nextToken: first.nextToken }),
    );
    assert.deepEqual(
      second.logGroups?.map((g) => g.logGroupName),
      ['/page/c'],
    );
    assert.equal(second.nextToken, undefined);
    const pattern = await c.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'page-X' }));
    assert.deepEqual(
      pattern.logGroups?.map((g) => g.logGroupName),
      ['/other/Page-x'],
    );

    const g = '/page/a';
    const now = Date.now();
    for (const [s, t] of [
      ['b-stream', 3],
      ['a-stream', 1],
      ['c-stream', 2],
    ] as const) {
      await c.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: s }));
      await c.send(
        new PutLogEventsCommand({
          logGroupName: g,
          logStreamName: s,
          logEvents: [{ timestamp: now + t, message: s }],
        }),
      );
    }
    const names = async (input: Record<string, unknown>) =>
      (await c.send(new DescribeLogStreamsCommand({ logGroupName: g, ...input }))).logStreams?.map(
        (s) => s.logStreamName,
      );
    assert.deepEqual(await names({}), ['a-stream', 'b-stream', 'c-stream']);
    assert.deepEqual(await names({ descending: true }), ['c-stream', 'b-stream', 'a-stream']);
    assert.deepEqual(await names({ orderBy: 'LastEventTime', descending: true }), [
      'b-stream',
      'c-stream',
      'a-stream',
    ]);
    assert.deepEqual(await names({ logStreamNamePrefix: 'b' }), ['b-stream']);
    const page = await c.send(new DescribeLogStreamsCommand({ logGroupName: g, limit: 2 }));
    assert.equal(page.logStreams?.length, 2);
    assert.deepEqual(await names({ limit: 2, nextToken: page.nextToken }), ['c-stream']);
    const one = page.logStreams![0]!;
    assert.equal(one.firstEventTimestamp, now + 1);
    assert.equal(one.lastEventTimestamp, now + 1);
    assert.equal(one.arn, 'arn:aws:logs:us-east-1:000000000000:log-group:/page/a:log-stream:a-stream');
  });

  it('FilterLogEvents: patterns, stream selection, interleaving and pages', async () => {
    const c = logsClient(app, 'h1');
    const g = 'filtered';
    await c.send(new CreateLogGroupCommand({ logGroupName: g }));
    const t = Date.now() - 10_000;
    const put = async (stream: string, events: Array<[number, string]>) => {
      await c.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: stream }));
      await c.send(
        new PutLogEventsCommand({
          logGroupName: g,
          logStreamName: stream,
          logEvents: events.map(([dt, message]) => ({ timestamp: t + dt, message })),
        }),
      );
    };
    await put('s1', [
      [0, 'ERROR disk full'],
      [2, 'INFO all good'],
      [4, '{"level":"ERROR","latency":250,"path":"/api/orders"}'],
    ]);
    await put('s2', [
      [1, 'ERROR Task timed out after 3.00 seconds'],
      [3, 'WARN slow'],
      [5, '{"level":"INFO","latency":20,"path":"/health"}'],
    ]);
    const filter = async (input: Record<string, unknown>) =>
      (await c.send(new FilterLogEventsCommand({ logGroupName: g, ...input }))).events?.map((e) => e.message);
    assert.deepEqual(await filter({}), [
      'ERROR disk full',
      'ERROR Task timed out after 3.00 seconds',
      'INFO all good',
      'WARN slow',
      '{"level":"ERROR","latency":250,"path":"/api/orders"}',
      '{"level":"INFO","latency":20,"path":"/health"}',
    ]);
    assert.deepEqual(await filter({ filterPattern: 'ERROR' }), [
      'ERROR disk full',
      'ERROR Task timed out after 3.00 seconds',
      '{"level":"ERROR","latency":250,"path":"/api/orders"}',
    ]);
    assert.deepEqual(await filter({ filterPattern: '"timed out"' }), [
      'ERROR Task timed out after 3.00 seconds',
    ]);
    assert.deepEqual(await filter({ filterPattern: 'ERROR -disk -latency' }), [
      'ERROR Task timed out after 3.00 seconds',
    ]);
    assert.deepEqual(await filter({ filterPattern: '?WARN ?INFO -level' }), ['INFO all good', 'WARN slow']);
    assert.deepEqual(await filter({ filterPattern: '{ $.latency > 100 }' }), [
      '{"level":"ERROR","latency":250,"path":"/api/orders"}',
    ]);
    assert.deepEqual(await filter({ filterPattern: '{ $.level = "INFO" || $.path = "/api/*" }' }), [
      '{"level":"ERROR","latency":250,"path":"/api/orders"}',
      '{"level":"INFO","latency":20,"path":"/health"}',
    ]);
    assert.deepEqual(await filter({ logStreamNames: ['s2'], startTime: t + 2, endTime: t + 5 }), [
      'WARN slow',
    ]);
    assert.deepEqual(await filter({ logStreamNamePrefix: 's1', filterPattern: 'INFO' }), ['INFO all good']);
    await rejectsWith(
      filter({ filterPattern: '{ $.latency > }' }),
      'InvalidParameterException',
      /^Invalid filter pattern/,
    );

    // Pages of two, interleaved across the streams.
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const r = await c.send(new FilterLogEventsCommand({ logGroupName: g, limit: 2, nextToken: token }));
      seen.push(...(r.events ?? []).map((e) => `${e.logStreamName}:${e.timestamp! - t}`));
      assert.ok((r.events ?? []).every((e) => /^\d+$/.test(e.eventId ?? '')));
      token = r.nextToken;
    } while (token);
    assert.deepEqual(seen, ['s1:0', 's2:1', 's1:2', 's2:3', 's1:4', 's2:5']);
  });
});
