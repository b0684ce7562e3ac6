import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteFunctionCommand,
  InvokeCommand,
  PublishVersionCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import { awsCli, cannotRun, region, skipReason, startTestServer, tempDir } from '../harness/helpers.js';
import { createNodeFunction, createPythonFunction, lambdaClient } from '../lambda/lambda-helpers.js';
import { python3Missing } from '../lambda/python-helpers.js';
import { awsCliV2, CLI_ENV, cliUntil, logsClient, runCli } from './logs-helpers.js';

const exec = promisify(execFile);

const HANDLER = `export const handler = async (event) => {
  console.log('hello ' + event.marker);
  return { ok: true };
};`;

/** Lambda's stream name for one execution environment. */
const STREAM_NAME = /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/;

async function invoke(c: LambdaClient, fn: string, marker: string): Promise<string> {
  const r = await c.send(
    new InvokeCommand({ FunctionName: fn, Payload: Buffer.from(JSON.stringify({ marker })) }),
  );
  assert.equal(r.FunctionError, undefined);
  return r.$metadata.requestId!;
}

const BOTO3_GET = `
import boto3, json, sys
c = boto3.client('logs', endpoint_url=sys.argv[1], region_name='${region}',
                 aws_access_key_id='test', aws_secret_access_key='test')
streams = c.describe_log_streams(logGroupName=sys.argv[2], orderBy='LastEventTime', descending=True)['logStreams']
r = c.get_log_events(logGroupName=sys.argv[2], logStreamName=streams[0]['logStreamName'], startFromHead=True)
print(json.dumps([e['message'] for e in r['events']]))
`;

describe('Function output in CloudWatch Logs', () => {
  const dataDir = tempDir('tributary-logs-');
  let app: App;
  let lambda: LambdaClient;
  const fn = 'logged-fn';
  const group = `/aws/lambda/${fn}`;
  let requestId: string;

  before(async () => {
    app = await startTestServer({ dataDir });
    lambda = lambdaClient(app);
    await createNodeFunction(lambda, fn, HANDLER);
    requestId = await invoke(lambda, fn, 'first');
  });
  after(async () => {
    await app.close();
  });

  it("files a worker's lines in /aws/lambda/NAME, one stream named as Lambda names it, START/END/REPORT included", async () => {
    const c = logsClient(app);
    const streams = (await c.send(new DescribeLogStreamsCommand({ logGroupName: group }))).logStreams ?? [];
    assert.equal(streams.length, 1);
    const stream = streams[0]!.logStreamName!;
    assert.match(stream, STREAM_NAME);
    const events = (
      await c.send(
        new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true }),
      )
    ).events!;
    const messages = events.map((e) => e.message!);
    const start = messages.findIndex((m) => m === `START RequestId: ${requestId} Version: $LATEST\n`);
    assert.ok(start >= 0, messages.join(''));
    assert.match(
      messages.find((m) => m.includes('hello first'))!,
      new RegExp(`^\\S+Z\\t${requestId}\\tINFO\\thello first\\n$`),
    );
    assert.ok(messages.includes(`END RequestId: ${requestId}\n`));
    assert.match(
      messages.find((m) => m.startsWith('REPORT'))!,
      new RegExp(
        `^REPORT RequestId: ${requestId}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB`,
      ),
    );
    // The AWS CLI shows the same stream.
    const cli = (await awsCli(app, ['logs', 'describe-log-streams', '--log-group-name', group])).json as {
      logStreams: Array<{ logStreamName: string }>;
    };
    assert.deepEqual(
      cli.logStreams.map((s) => s.logStreamName),
      [stream],
    );
  });

  it('boto3 get_log_events reads them', async (t) => {
    try {
      await exec('python3', ['-c', 'import boto3']);
    } catch {
      return cannotRun(t, 'python3 with boto3 is not installed');
    }
    const { stdout } = await exec('python3', ['-c', BOTO3_GET, app.endpoint, group], { env: CLI_ENV });
    const messages = JSON.parse(stdout) as string[];
    assert.ok(
      messages.some((m) => m.includes('hello first')),
      stdout,
    );
    assert.ok(
      messages.some((m) => m.startsWith(`REPORT RequestId: ${requestId}`)),
      stdout,
    );
  });

  it('aws logs tail shows them, and --follow shows new ones as they come', async (t) => {
    const v2 = await awsCliV2();
    if (!v2) return cannotRun(t, 'no AWS CLI v2 (aws logs tail); apt-get install awscli');
    const out = await runCli(v2, app, ['logs', 'tail', group]);
    assert.match(out, /\[\$LATEST\][0-9a-f]{32} \S+Z\t\S+\tINFO\thello first/);
    // --follow: the line of an invocation made while it runs appears; the process is ended once it has.
    const second = cliUntil(v2, app, ['logs', 'tail', group, '--follow'], /hello second/);
    await invoke(lambda, fn, 'second');
    const text = await second;
    assert.match(text, /hello second/);
  });

  it(
    "a Python function's print and logging lines go there too",
    { skip: skipReason(python3Missing()) },
    async () => {
      await createPythonFunction(
        lambda,
        'py-logged',
        'import logging\nlogging.getLogger().setLevel(logging.INFO)\ndef lambda_handler(event, context):\n    print("printed " + event["marker"])\n    logging.info("logged %s", event["marker"])\n    return context.log_stream_name\n',
      );
      const r = await lambda.send(
        new InvokeCommand({ FunctionName: 'py-logged', Payload: Buffer.from('{"marker":"py"}') }),
      );
      const stream = JSON.parse(Buffer.from(r.Payload!).toString()) as string;
      assert.match(stream, STREAM_NAME, 'context.log_stream_name is the stream the lines go to');
      const found = await logsClient(app).send(
        new FilterLogEventsCommand({ logGroupName: '/aws/lambda/py-logged', filterPattern: 'py' }),
      );
      const lines = found.events!.map((e) => `${e.logStreamName} ${e.message}`);
      assert.ok(lines.includes(`${stream} printed py\n`), lines.join(''));
      assert.ok(
        lines.some((l) =>
          new RegExp(
            `^${stream.replace(/[[\]$]/g, '\\$&')} \\[INFO\\]\\t\\S+\\t${r.$metadata.requestId}\\tlogged py\\n$`,
          ).test(l),
        ),
        lines.join(''),
      );
    },
  );

  it("DeleteLogGroup of a function's group: its warm worker's next lines make the group again, holding only them", async () => {
    const c = logsClient(app);
    const name = 'relogged-fn';
    const own = `/aws/lambda/${name}`;
    await createNodeFunction(lambda, name, HANDLER);
    const before = await invoke(lambda, name, 'before-delete');
    await c.send(new DeleteLogGroupCommand({ logGroupName: own }));
    await assert.rejects(
      c.send(new DescribeLogStreamsCommand({ logGroupName: own })),
      (e: Error) => e.name === 'ResourceNotFoundException',
    );
    const afterId = await invoke(lambda, name, 'after-delete');
    const found = await c.send(new FilterLogEventsCommand({ logGroupName: own }));
    const messages = found.events!.map((e) => e.message!);
    assert.ok(messages.includes(`START RequestId: ${afterId} Version: $LATEST\n`), messages.join(''));
    assert.ok(
      messages.some((m) => m.includes('hello after-delete')),
      messages.join(''),
    );
    assert.ok(!messages.some((m) => m.includes(before) || m.includes('before-delete')), messages.join(''));
  });

  it('a published version logs to streams named by it ([1])', async () => {
    const v = await lambda.send(new PublishVersionCommand({ FunctionName: fn }));
    assert.equal(v.Version, '1');
    const r = await lambda.send(
      new InvokeCommand({ FunctionName: fn, Qualifier: '1', Payload: Buffer.from('{"marker":"v1"}') }),
    );
    const c = logsClient(app);
    const streams = (await c.send(new DescribeLogStreamsCommand({ logGroupName: group }))).logStreams ?? [];
    const v1 = streams.filter((s) => /^\d{4}\/\d{2}\/\d{2}\/\[1\][0-9a-f]{32}$/.test(s.logStreamName!));
    assert.equal(v1.length, 1, streams.map((s) => s.logStreamName).join(' '));
    const events = await c.send(
      new GetLogEventsCommand({
        logGroupName: group,
        logStreamName: v1[0]!.logStreamName!,
        startFromHead: true,
      }),
    );
    assert.ok(
      events.events!.some((e) => e.message === `START RequestId: ${r.$metadata.requestId} Version: 1\n`),
      events.events!.map((e) => e.message).join(''),
    );
  });

  it('keeps the log group when the function is deleted, and across a restart', async () => {
    await lambda.send(new DeleteFunctionCommand({ FunctionName: fn }));
    let c = logsClient(app, 'h1');
    const groups = await c.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
    assert.deepEqual(
      groups.logGroups?.map((g) => g.logGroupName),
      [group],
    );
    const bytes = groups.logGroups![0]!.storedBytes!;
    assert.ok(bytes > 0);

    await app.close();
    app = await startTestServer({ dataDir });
    c = logsClient(app, 'h1');
    const again = await c.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
    assert.equal(again.logGroups?.[0]?.storedBytes, bytes);
    const streams = (await c.send(new DescribeLogStreamsCommand({ logGroupName: group }))).logStreams ?? [];
    const all: string[] = [];
    for (const s of streams) {
      const r = await c.send(
        new GetLogEventsCommand({
          logGroupName: group,
          logStreamName: s.logStreamName!,
          startFromHead: true,
        }),
      );
      all.push(...r.events!.map((e) => e.message!));
    }
    assert.ok(all.some((m) => m.includes('hello first')));
    assert.ok(all.some((m) => m.includes('hello second')));
  });
});
