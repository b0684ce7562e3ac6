import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { KinesisClient, ListStreamsCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { GetEventSourceMappingCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { App } from '../../src/app/app.js';
import { sqsClient } from '../sqs-sns/sqs-sns-helpers.js';
import { clientConfig, kinesisClient, tempDir, withTestServer } from '../harness/helpers.js';
import { runRefusedServer, spawnServer, stopServer } from '../harness/server-process.js';
import { lambdaClient } from '../mappings/mapping-fixtures.js';
import { startTributary, tributary } from './cli-helpers.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/kinesis-sam', import.meta.url));

/** A copy of the example to change (the stack is named after its directory: kinesis-sam). */
function exampleCopy(): string {
  const dir = join(tempDir('tributary-sam-'), 'kinesis-sam');
  cpSync(EXAMPLE, dir, { recursive: true });
  return dir;
}

/** `tributary deploy` of the shipped example and of templates written here, against a server on an ephemeral port. */
describe('tributary deploy (SAM templates)', () => {
  let app: App;
  let k: KinesisClient;
  let l: LambdaClient;
  let sqs: SQSClient;
  withTestServer(
    {},
    (a) => ({ k: kinesisClient(a), l: lambdaClient(a), sqs: sqsClient(a) }),
    (a, made) => {
      app = a;
      ({ k, l, sqs } = made);
    },
  );

  const deploy = (file: string, ...args: string[]) =>
    tributary(['deploy', file, '--endpoint', app.endpoint, ...args]);

  it('deploys the example; its function processes the records; a changed BatchSize updates the mapping; a resource taken out is removed', async () => {
    const dir = exampleCopy();
    const template = join(dir, 'template.yaml');
    const first = await deploy(template, '--parameter-overrides', 'StartingPosition=TRIM_HORIZON', '--json');
    assert.equal(first.code, 0, first.stderr);
    const r = JSON.parse(first.stdout) as {
      StackName: string;
      Changes: Array<{ action: string; logicalId: string; type: string; physicalId: string }>;
      Outputs: Record<string, string>;
    };
    assert.equal(r.StackName, 'kinesis-sam');
    assert.deepEqual(r.Changes.map((c) => `${c.action} ${c.logicalId} ${c.type}`).sort(), [
      '+ LambdaFunction AWS::Lambda::Function',
      '+ LambdaFunctionRole AWS::IAM::Role',
      '+ LambdaFunctionStream AWS::Lambda::EventSourceMapping',
      '+ failures AWS::SQS::Queue',
      '+ stream AWS::Kinesis::Stream',
    ]);
    assert.equal(r.Outputs['FunctionName'], 'kinesis-sam-LambdaFunction');
    assert.equal(r.Outputs['StreamARN'], 'arn:aws:kinesis:us-east-1:000000000000:stream/kinesis-sam-stream');
    const uuid = r.Changes.find((c) => c.logicalId === 'LambdaFunctionStream')!.physicalId;
    const mapping = await l.send(new GetEventSourceMappingCommand({ UUID: uuid }));
    assert.equal(mapping.BatchSize, 100);
    assert.equal(mapping.StartingPosition, 'TRIM_HORIZON');
    assert.equal(mapping.MaximumRetryAttempts, 2);
    assert.equal(
      mapping.DestinationConfig?.OnFailure?.Destination,
      'arn:aws:sqs:us-east-1:000000000000:kinesis-sam-failures',
    );

    // Records put to the stream reach the doc's sample function; `tributary wait` instead of a sleep.
    await k.send(
      new PutRecordsCommand({
        StreamName: 'kinesis-sam-stream',
        Records: ['Hello, this is a test.', 'This is only a test.'].map((d, i) => ({
          PartitionKey: String(i),
          Data: Buffer.from(d),
        })),
      }),
    );
    const waited = await tributary(['wait', uuid, '--endpoint', app.endpoint]);
    assert.equal(waited.code, 0, waited.stderr);
    const log = await (
      await fetch(`${app.endpoint}/_tributary/lambda/functions/kinesis-sam-LambdaFunction/logs`)
    ).text();
    assert.match(log, /Decoded payload: Hello, this is a test\./);
    assert.match(log, /Decoded payload: This is only a test\./);

    // Again unchanged: nothing to do.
    const same = await deploy(template, '--parameter-overrides', 'StartingPosition=TRIM_HORIZON');
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stdout, /^Stack kinesis-sam: no changes$/m);

    // BatchSize 10: the same mapping, updated in place.
    const changed = await deploy(
      template,
      '--parameter-overrides',
      'StartingPosition=TRIM_HORIZON',
      'BatchSize=10',
    );
    assert.equal(changed.code, 0, changed.stderr);
    assert.match(changed.stdout, /0 created, 1 updated, 0 removed/);
    assert.match(
      changed.stdout,
      new RegExp(
        `^~ LambdaFunctionStream \\(AWS::Lambda::EventSourceMapping\\) ${uuid} \\[BatchSize\\]$`,
        'm',
      ),
    );
    assert.equal((await l.send(new GetEventSourceMappingCommand({ UUID: uuid }))).BatchSize, 10);

    // The queue and the destination taken out of the template: the queue is deleted, the mapping updated.
    const text = readFileSync(template, 'utf8');
    writeFileSync(
      template,
      text
        .replace(/\n {12}DestinationConfig:\n(.*\n){3}/, '\n')
        .replace(/\n {2}failures:\n {4}Type: AWS::SQS::Queue\n/, '\n')
        .replace(/\n {2}FailureQueueUrl:\n {4}Value: !Ref failures\n?/, '\n'),
    );
    const removed = await deploy(
      template,
      '--parameter-overrides',
      'StartingPosition=TRIM_HORIZON',
      'BatchSize=10',
    );
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /0 created, 2 updated, 1 removed/);
    // SAM's permission to send to the queue leaves the generated role with it.
    assert.match(
      removed.stdout,
      /^~ LambdaFunctionRole \(AWS::IAM::Role\) kinesis-sam-LambdaFunctionRole \[Policies\]$/m,
    );
    assert.match(removed.stdout, /^- failures \(AWS::SQS::Queue\) /m);
    assert.match(removed.stdout, /^~ LambdaFunctionStream .*\[DestinationConfig\]$/m);
    await assert.rejects(
      sqs.send(new GetQueueUrlCommand({ QueueName: 'kinesis-sam-failures' })),
      /QueueDoesNotExist|NonExistentQueue/,
    );
    assert.equal(
      (await l.send(new GetEventSourceMappingCommand({ UUID: uuid }))).DestinationConfig?.OnFailure
        ?.Destination,
      undefined,
    );
  });

  it('refuses unsupported resource types and properties in one error naming each with its line, deploying nothing', async () => {
    const dir = tempDir('tributary-sam-bad-');
    const file = join(dir, 'template.yaml');
    writeFileSync(
      file,
      [
        'Transform: AWS::Serverless-2016-10-31',
        'Resources:',
        '  Fn:',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      InlineCode: "exports.handler = async () => 1"',
        '      Handler: index.handler',
        '      Runtime: nodejs20.x',
        '      Tracing: Active',
        '  Bucket:',
        '    Type: AWS::S3::Bucket',
        '  Refused:',
        '    Type: AWS::Kinesis::Stream',
        '    Properties:',
        '      ShardCount: 1',
        '',
      ].join('\n'),
    );
    const r = await tributary(['deploy', file, '--endpoint', app.endpoint, '--stack-name', 'refused']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /2 problems Tributary cannot deploy/);
    assert.match(
      r.stderr,
      /line 9: Resources\.Fn\.Properties\.Tracing: the property Tracing is not supported by Tributary/,
    );
    assert.match(
      r.stderr,
      /line 11: Resources\.Bucket\.Type: the resource type AWS::S3::Bucket is not supported by Tributary/,
    );
    const streams = await k.send(new ListStreamsCommand({}));
    assert.ok(!streams.StreamNames?.includes('refused-Refused'), 'nothing was deployed');
  });

  it('evaluates parameters, conditions and the intrinsics in short and long form; --watch redeploys a changed CodeUri', async () => {
    const dir = join(tempDir('tributary-sam-fns-'), 'fns');
    cpSync(join(EXAMPLE, 'function'), join(dir, 'src'), { recursive: true });
    writeFileSync(
      join(dir, 'src', 'echo.js'),
      'exports.handler = async (e) => ({ v: 1, env: process.env.GREETING, e });\n',
    );
    const file = join(dir, 'template.yaml');
    writeFileSync(
      file,
      `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: { Type: String, Default: dev, AllowedValues: [dev, prod] }
  Names: { Type: CommaDelimitedList, Default: "a,b,c" }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev:
    Fn::Not: [{ Condition: IsProd }]
Globals:
  Function:
    Runtime: nodejs20.x
    Environment:
      Variables:
        FROM_GLOBALS: "yes"
Resources:
  Echo:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: !Sub '\${AWS::StackName}-echo-\${Stage}'
      CodeUri: src/
      Handler: echo.handler
      MemorySize: !If [IsProd, 1024, 256]
      Environment:
        Variables:
          GREETING: !Join ['-', [!Select [1, !Ref Names], !Select [0, !Split [',', 'x,y']], { 'Fn::GetAtt': [Events, Arn] }]]
  Events:
    Type: AWS::Kinesis::Stream
    Properties:
      Name: { 'Fn::Sub': ['\${Prefix}-events', { Prefix: !Ref 'AWS::StackName' }] }
      ShardCount: 1
  ProdOnly:
    Type: AWS::SNS::Topic
    Condition: IsProd
  DevOnly:
    Type: AWS::SNS::Topic
    Condition: IsDev
    Properties:
      TopicName: !Sub '\${Events}-dev'
Outputs:
  Fn:
    Value: !GetAtt Echo.Arn
`,
    );
    const watcher = startTributary(['deploy', file, '--endpoint', app.endpoint, '--watch']);
    try {
      await watcher.waitFor(/Watching /);
      const cfg = await l.send(
        new InvokeCommand({ FunctionName: 'fns-echo-dev', Payload: Buffer.from('{}') }),
      );
      const out = JSON.parse(Buffer.from(cfg.Payload!).toString()) as { v: number; env: string };
      assert.deepEqual(out.v, 1);
      assert.equal(out.env, 'b-x-arn:aws:kinesis:us-east-1:000000000000:stream/fns-events');
      const topics = await (await fetch(`${app.endpoint}/?Action=ListTopics`)).text();
      assert.match(topics, /fns-events-dev/);
      assert.doesNotMatch(topics, /ProdOnly/);

      // A change under CodeUri: the function's code is updated, nothing else.
      writeFileSync(join(dir, 'src', 'echo.js'), 'exports.handler = async () => ({ v: 2 });\n');
      const printed = await watcher.waitFor(/~ Echo \(AWS::Lambda::Function\) fns-echo-dev \[Code\]/);
      assert.match(printed, /0 created, 1 updated, 0 removed/);
      const again = await l.send(
        new InvokeCommand({ FunctionName: 'fns-echo-dev', Payload: Buffer.from('{}') }),
      );
      assert.deepEqual(JSON.parse(Buffer.from(again.Payload!).toString()), { v: 2 });
    } finally {
      await watcher.stop();
    }
  });
});

describe('tributary up --template', () => {
  it('starts the server with the template deployed; after a kill -9 and a restart on the same data dir the stack is the same', async () => {
    const dataDir = tempDir('tributary-sam-data-');
    const template = join(EXAMPLE, 'template.yaml');
    const server = await spawnServer(['--data-dir', dataDir, '--template', template]);
    let stackBefore: unknown;
    try {
      const k = new KinesisClient(clientConfig(server));
      const streams = await k.send(new ListStreamsCommand({}));
      k.destroy();
      assert.deepEqual(streams.StreamNames, ['kinesis-sam-stream']);
      stackBefore = (
        (await (await fetch(`${server.endpoint}/_tributary/stacks/kinesis-sam`)).json()) as {
          Stack: { Resources: unknown };
        }
      ).Stack.Resources;
    } finally {
      await server.kill9();
    }
    // The state is the server's: it survived with the resources, so nothing is created again.
    const again = await spawnServer(['--data-dir', dataDir]);
    try {
      const r = await tributary(['deploy', template, '--endpoint', again.endpoint]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Stack kinesis-sam: no changes$/m);
      const after = (await (await fetch(`${again.endpoint}/_tributary/stacks/kinesis-sam`)).json()) as {
        Stack: { Resources: unknown };
      };
      assert.deepEqual(after.Stack.Resources, stackBefore);
    } finally {
      await stopServer(again);
    }
  });

  it('a template that cannot be deployed stops the server with the error and exit code 1', async () => {
    const file = join(tempDir('tributary-sam-up-'), 'template.yaml');
    writeFileSync(file, 'Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n');
    const r = await runRefusedServer(['--in-memory', '--template', file]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /the template was not deployed: .*a problem Tributary cannot deploy:\n {2}line 3: Resources\.Bucket\.Type: the resource type AWS::S3::Bucket is not supported/,
    );
  });
});
