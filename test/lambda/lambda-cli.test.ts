import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { App } from '../../src/app/app.js';
import {
  awsCli,
  cannotRun,
  cliEnv,
  createFunctionWithCli,
  region,
  startTestServer,
  tempDir,
} from '../harness/helpers.js';
import { makeZip } from './lambda-helpers.js';

/** The handler of AWS's "Using Lambda with Kinesis" tutorial (index.mjs), zipped the way the tutorial does. */
const TUTORIAL_HANDLER = `console.log('Loading function');
export const handler = async (event, context) => {
  for (const record of event.Records) {
    const payload = Buffer.from(record.kinesis.data, 'base64').toString('ascii');
    console.log('Decoded payload:', payload);
  }
  return { processed: event.Records.length };
};
`;

const INPUT = {
  Records: [
    {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: '1',
        sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
        data: Buffer.from('Hello, this is a test.').toString('base64'),
        approximateArrivalTimestamp: 1545084650.987,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: 'shardId-000000000006:49590338271490256608559692538361571095921575989136588898',
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::111122223333:role/lambda-kinesis-role',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:111122223333:stream/lambda-stream',
    },
  ],
};

describe('Lambda through the AWS CLI (the Kinesis tutorial flow)', () => {
  let app: App;
  let dir: string;
  let cliV2 = false;
  before(async () => {
    const version = await promisify(execFile)('aws', ['--version']);
    cliV2 = /aws-cli\/2/.test(version.stdout + version.stderr);
    app = await startTestServer();
    dir = tempDir('tributary-lambda-cli-');
    writeFileSync(join(dir, 'function.zip'), await makeZip({ 'index.mjs': TUTORIAL_HANDLER }));
    writeFileSync(join(dir, 'input.txt'), JSON.stringify(INPUT));
  });
  after(async () => {
    await app.close();
  });

  it('create-function from fileb://function.zip, then invoke with the payload from file://input.txt', async () => {
    const created = await createFunctionWithCli(app, {
      name: 'ProcessKinesisRecords',
      zip: join(dir, 'function.zip'),
      role: 'arn:aws:iam::111122223333:role/lambda-kinesis-role',
    });
    const cfg = created.json as Record<string, unknown>;
    assert.equal(cfg['FunctionName'], 'ProcessKinesisRecords');
    assert.equal(cfg['Runtime'], 'nodejs20.x');
    assert.equal(cfg['State'], 'Active');

    const out = join(dir, 'outputfile.txt');
    const invoked = await awsCli(app, [
      'lambda',
      'invoke',
      '--function-name',
      'ProcessKinesisRecords',
      // AWS CLI v2 needs this to send the payload as is (the tutorial's command); v1 sends it as is anyway and
      // does not know the option.
      ...(cliV2 ? ['--cli-binary-format', 'raw-in-base64-out'] : []),
      '--payload',
      `file://${join(dir, 'input.txt')}`,
      '--log-type',
      'Tail',
      out,
    ]);
    const res = invoked.json as Record<string, unknown>;
    assert.equal(res['StatusCode'], 200);
    assert.equal(res['ExecutedVersion'], '$LATEST');
    assert.equal(res['FunctionError'], undefined);
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), { processed: 1 });
    const log = Buffer.from(String(res['LogResult']), 'base64').toString();
    assert.match(log, /INFO\tDecoded payload: Hello, this is a test\./);
  });

  it('get-function, list-functions, put-function-concurrency, update-function-code and delete-function', async () => {
    const got = (await awsCli(app, ['lambda', 'get-function', '--function-name', 'ProcessKinesisRecords']))
      .json as {
      Configuration: { FunctionName: string };
      Code: { Location: string };
    };
    assert.equal(got.Configuration.FunctionName, 'ProcessKinesisRecords');
    assert.match(got.Code.Location, /^http:\/\//);
    const listed = (await awsCli(app, ['lambda', 'list-functions'])).json as {
      Functions: Array<{ FunctionName: string }>;
    };
    assert.ok(listed.Functions.some((f) => f.FunctionName === 'ProcessKinesisRecords'));
    const conc = (
      await awsCli(app, [
        'lambda',
        'put-function-concurrency',
        '--function-name',
        'ProcessKinesisRecords',
        '--reserved-concurrent-executions',
        '5',
      ])
    ).json as { ReservedConcurrentExecutions: number };
    assert.equal(conc.ReservedConcurrentExecutions, 5);
    writeFileSync(
      join(dir, 'v2.zip'),
      await makeZip({ 'index.mjs': `export const handler = async () => 'v2';` }),
    );
    await awsCli(app, [
      'lambda',
      'update-function-code',
      '--function-name',
      'ProcessKinesisRecords',
      '--zip-file',
      `fileb://${join(dir, 'v2.zip')}`,
    ]);
    const out = join(dir, 'v2-out.txt');
    await awsCli(app, ['lambda', 'invoke', '--function-name', 'ProcessKinesisRecords', out]);
    assert.equal(JSON.parse(readFileSync(out, 'utf8')), 'v2');
    await awsCli(app, ['lambda', 'delete-function', '--function-name', 'ProcessKinesisRecords']);
    await assert.rejects(
      awsCli(app, ['lambda', 'get-function', '--function-name', 'ProcessKinesisRecords']),
      /ResourceNotFoundException/,
    );
  });

  it('a nodejs24.x function says where it runs: StateReason (AWS CLI and boto3) and its init log line in CloudWatch Logs', async (t) => {
    const status = (await (await fetch(`${app.endpoint}/_tributary/status`)).json()) as {
      runtimes: Array<{ runtime: string; note: string | null; version: string | null }>;
    };
    const host = status.runtimes.find((r) => r.runtime === 'nodejs24.x')!;
    // This machine's Node.js is not 24 unless node24 is on PATH: then there is nothing to say.
    assert.equal(
      host.note,
      host.version?.startsWith('v24.') ? null : `nodejs24.x runs on Node ${host.version} on this machine`,
    );
    await createFunctionWithCli(app, {
      name: 'Node24',
      zip: join(dir, 'function.zip'),
      role: 'arn:aws:iam::111122223333:role/lambda-kinesis-role',
      runtime: 'nodejs24.x',
    });
    const conf = (await awsCli(app, ['lambda', 'get-function-configuration', '--function-name', 'Node24']))
      .json as { State: string; StateReason?: string };
    assert.equal(conf.State, 'Active');
    assert.equal(conf.StateReason, host.note ?? undefined);
    await awsCli(app, ['lambda', 'invoke', '--function-name', 'Node24', join(dir, 'node24-out.txt')]);
    if (host.note !== null) {
      const found = (
        await awsCli(app, [
          'logs',
          'filter-log-events',
          '--log-group-name',
          '/aws/lambda/Node24',
          '--filter-pattern',
          '"runs on Node"',
        ])
      ).json as { events: Array<{ message: string }> };
      assert.deepEqual(
        found.events.map((e) => e.message),
        [`${host.note}\n`],
      );
    }
    try {
      await promisify(execFile)('python3', ['-c', 'import boto3']);
    } catch {
      return cannotRun(t, 'python3 with boto3 is not installed');
    }
    const { stdout } = await promisify(execFile)(
      'python3',
      [
        '-c',
        `import boto3, json, sys
lam = boto3.client('lambda', endpoint_url=sys.argv[1], region_name='${region}',
                   aws_access_key_id='test', aws_secret_access_key='test')
print(json.dumps(lam.get_function_configuration(FunctionName='Node24').get('StateReason')))`,
        app.endpoint,
      ],
      { env: cliEnv() },
    );
    assert.equal(JSON.parse(stdout), host.note);
  });
});
