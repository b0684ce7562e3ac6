import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { App } from '../../src/app/app.js';
import { cannotRun, region, withServer } from '../harness/helpers.js';
import { awsCliV2, CLI_ENV, runCli } from './logs-helpers.js';

const exec = promisify(execFile);

/** Five events one millisecond apart, ending now: within PutLogEvents' window and any retention. */
function events(label: string): Array<{ timestamp: number; message: string }> {
  const now = Date.now();
  return ['INFO one', 'ERROR two', 'INFO three', 'WARN four', 'ERROR five'].map((m, i) => ({
    timestamp: now - 5 + i,
    message: `${label} ${m}`,
  }));
}

/**
 * The same walk through the API with boto3: a group with a retention, a stream, events, GetLogEvents two at a time
 * by nextForwardToken until the same token comes back, FilterLogEvents with a pattern, DeleteLogGroup.
 */
const BOTO3_WALK = `
import json, sys
import boto3
c = boto3.client('logs', endpoint_url=sys.argv[1], region_name='${region}',
                 aws_access_key_id='test', aws_secret_access_key='test')
group, events = '/boto3/app', json.loads(sys.argv[2])
c.create_log_group(logGroupName=group)
c.put_retention_policy(logGroupName=group, retentionInDays=14)
described = c.describe_log_groups(logGroupNamePrefix='/boto3/')['logGroups']
c.create_log_stream(logGroupName=group, logStreamName='s1')
c.put_log_events(logGroupName=group, logStreamName='s1', logEvents=events)
pages, token = [], None
while True:
    args = dict(logGroupName=group, logStreamName='s1', startFromHead=True, limit=2)
    if token: args['nextToken'] = token
    r = c.get_log_events(**args)
    pages.append([e['message'] for e in r['events']])
    if r['nextForwardToken'] == token: break
    token = r['nextForwardToken']
errors = [e['message'] for e in c.filter_log_events(logGroupName=group, filterPattern='?ERROR ?WARN')['events']]
c.delete_log_group(logGroupName=group)
try:
    c.get_log_events(logGroupName=group, logStreamName='s1')
    gone = None
except c.exceptions.ResourceNotFoundException as e:
    gone = e.response['Error']['Message']
left = c.describe_log_groups(logGroupNamePrefix='/boto3/')['logGroups']
print(json.dumps({'described': described, 'pages': pages, 'errors': errors, 'gone': gone, 'left': left}))
`;

describe('CloudWatch Logs through the AWS CLI v2 and boto3', () => {
  let app: App;
  withServer((a) => {
    app = a;
  });

  it('aws logs: create-log-group, put-retention-policy, put-log-events, get-log-events by token, filter-log-events, delete-log-group', async (t) => {
    const v2 = await awsCliV2();
    if (!v2) return cannotRun(t, 'no AWS CLI v2; apt-get install awscli');
    const cli = async (...args: string[]): Promise<unknown> => {
      const out = await runCli(v2, app, ['--output', 'json', 'logs', ...args]);
      return out.trim() === '' ? undefined : JSON.parse(out);
    };
    const group = '/cli/app';
    await cli('create-log-group', '--log-group-name', group);
    await cli('put-retention-policy', '--log-group-name', group, '--retention-in-days', '7');
    const described = (await cli('describe-log-groups', '--log-group-name-prefix', '/cli/')) as {
      logGroups: Array<{ logGroupName: string; retentionInDays?: number }>;
    };
    assert.deepEqual(
      described.logGroups.map((g) => [g.logGroupName, g.retentionInDays]),
      [[group, 7]],
    );
    await cli('create-log-stream', '--log-group-name', group, '--log-stream-name', 's1');
    const put = events('cli');
    await cli(
      'put-log-events',
      '--log-group-name',
      group,
      '--log-stream-name',
      's1',
      '--log-events',
      JSON.stringify(put),
    );
    // Two at a time, following nextForwardToken until the same token comes back (the end, as AWS answers it).
    const pages: string[][] = [];
    let token: string | undefined;
    for (;;) {
      const r = (await cli(
        'get-log-events',
        '--log-group-name',
        group,
        '--log-stream-name',
        's1',
        '--start-from-head',
        '--limit',
        '2',
        ...(token === undefined ? [] : ['--next-token', token]),
      )) as { events: Array<{ message: string }>; nextForwardToken: string };
      pages.push(r.events.map((e) => e.message));
      if (r.nextForwardToken === token) break;
      token = r.nextForwardToken;
    }
    assert.deepEqual(pages, [
      [put[0]!.message, put[1]!.message],
      [put[2]!.message, put[3]!.message],
      [put[4]!.message],
      [],
    ]);
    const filtered = (await cli(
      'filter-log-events',
      '--log-group-name',
      group,
      '--filter-pattern',
      '?ERROR ?WARN',
    )) as { events: Array<{ message: string; logStreamName: string }> };
    assert.deepEqual(
      filtered.events.map((e) => e.message),
      ['cli ERROR two', 'cli WARN four', 'cli ERROR five'],
    );
    await cli('delete-log-group', '--log-group-name', group);
    await assert.rejects(
      runCli(v2, app, ['logs', 'get-log-events', '--log-group-name', group, '--log-stream-name', 's1']),
      (err: Error & { stderr?: string }) => {
        assert.match(err.stderr ?? '', /ResourceNotFoundException.*The specified log group does not exist\./);
        return true;
      },
    );
    assert.deepEqual(await cli('describe-log-groups', '--log-group-name-prefix', '/cli/'), { logGroups: [] });
  });

  it('boto3: the same walk, GetLogEvents pages by token, FilterLogEvents patterns, DeleteLogGroup', async (t) => {
    try {
      await exec('python3', ['-c', 'import boto3']);
    } catch {
      return cannotRun(t, 'python3 with boto3 is not installed');
    }
    const put = events('boto3');
    const { stdout } = await exec('python3', ['-c', BOTO3_WALK, app.endpoint, JSON.stringify(put)], {
      env: CLI_ENV,
    });
    const r = JSON.parse(stdout) as {
      described: Array<{ logGroupName: string; retentionInDays?: number }>;
      pages: string[][];
      errors: string[];
      gone: string | null;
      left: unknown[];
    };
    assert.deepEqual(
      r.described.map((g) => [g.logGroupName, g.retentionInDays]),
      [['/boto3/app', 14]],
    );
    assert.deepEqual(r.pages, [
      [put[0]!.message, put[1]!.message],
      [put[2]!.message, put[3]!.message],
      [put[4]!.message],
      [],
    ]);
    assert.deepEqual(r.errors, ['boto3 ERROR two', 'boto3 WARN four', 'boto3 ERROR five']);
    assert.equal(r.gone, 'The specified log group does not exist.');
    assert.deepEqual(r.left, []);
  });
});
