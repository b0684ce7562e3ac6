import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DetachRolePolicyCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { CreateStreamCommand, KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  GetEventSourceMappingCommand,
  InvokeCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import { waitFor, withTestServer } from '../harness/helpers.js';
import { signedClients } from '../harness/accounts.js';
import { hooks } from '../harness/hooks.js';
import { makeZip } from '../lambda/lambda-helpers.js';

const ROOT = { accessKeyId: 'AKIATRIBUTARYROOT001', secretAccessKey: 'tributary-root-secret-0123456789' };
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const KINESIS_ROLE = 'arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole';
const ROLE_ARN = 'arn:aws:iam::000000000000:role/kinesis-reader';
const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/orders';

describe("the execution role: Lambda checks what the function's role allows (IAM enforced)", () => {
  let app: App;
  let iam: IAMClient;
  let lambda: LambdaClient;
  let kinesis: KinesisClient;
  const seen: string[] = [];
  withTestServer(
    { ...ROOT, transitionDelayMs: 0 },
    (a) => signedClients(a, ROOT, 1),
    (a, c) => {
      app = a;
      ({ iam, lambda, kinesis } = c);
      hooks(app).lambdaEvents.on('invokeEnd', (e) => {
        if (e.functionName === 'reader' && e.status === 'success') seen.push(e.requestId);
      });
    },
  );

  const createFunction = async (name: string, role: string): Promise<unknown> =>
    lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: role,
        Code: { ZipFile: await makeZip({ 'index.mjs': 'export const handler = async () => ({});' }) },
      }),
    );
  const mapping = async (uuid: string) => lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));

  it('a role that does not exist, or that Lambda may not assume, is refused at CreateFunction', async () => {
    await assert.rejects(createFunction('nobody', 'arn:aws:iam::000000000000:role/missing'), {
      name: 'InvalidParameterValueException',
      message: 'The role defined for the function cannot be assumed by Lambda.',
    });
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'ec2-only',
        AssumeRolePolicyDocument: TRUST.replace('lambda.amazonaws.com', 'ec2.amazonaws.com'),
      }),
    );
    await assert.rejects(createFunction('ec2', 'arn:aws:iam::000000000000:role/ec2-only'), {
      name: 'InvalidParameterValueException',
    });
  });

  it('a mapping needs the role to read the stream; revoking stops it, granting resumes it without losing records', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'kinesis-reader', AssumeRolePolicyDocument: TRUST }));
    await createFunction('reader', ROLE_ARN);
    await kinesis.send(new CreateStreamCommand({ StreamName: 'orders', ShardCount: 1 }));
    const create = () =>
      lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: 'reader',
          EventSourceArn: STREAM_ARN,
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 10,
        }),
      );
    await assert.rejects(create(), {
      name: 'InvalidParameterValueException',
      message: `Cannot access stream ${STREAM_ARN}. Please ensure the role can perform the GetRecords, GetShardIterator, DescribeStream, ListShards, and ListStreams Actions on your stream in IAM.`,
    });
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'kinesis-reader', PolicyArn: KINESIS_ROLE }));
    const uuid = (await create()).UUID!;
    await kinesis.send(
      new PutRecordCommand({ StreamName: 'orders', PartitionKey: 'k', Data: Buffer.from('one') }),
    );
    await waitFor(async () => (await mapping(uuid)).LastProcessingResult === 'OK', 20_000, 'first record');

    await iam.send(new DetachRolePolicyCommand({ RoleName: 'kinesis-reader', PolicyArn: KINESIS_ROLE }));
    const stopped = await waitFor(
      async () => {
        const m = await mapping(uuid);
        return m.LastProcessingResult?.startsWith('PROBLEM') ? m : undefined;
      },
      20_000,
      'the mapping to stop',
    );
    assert.equal(
      stopped.LastProcessingResult,
      'PROBLEM: The function execution role does not have permissions to call GetRecords on Kinesis',
    );
    assert.equal(stopped.StateTransitionReason, stopped.LastProcessingResult);
    assert.equal(stopped.State, 'Enabled');
    const invocationsBefore = seen.length;
    await kinesis.send(
      new PutRecordCommand({ StreamName: 'orders', PartitionKey: 'k', Data: Buffer.from('two') }),
    );

    await iam.send(new AttachRolePolicyCommand({ RoleName: 'kinesis-reader', PolicyArn: KINESIS_ROLE }));
    // The record put while the mapping was stopped is delivered once the permission is back: the checkpoint was
    // kept, nothing skipped.
    await waitFor(() => seen.length > invocationsBefore, 20_000, 'the record put while stopped');
    const resumed = await mapping(uuid);
    assert.equal(resumed.StateTransitionReason, 'User action');
    assert.equal(resumed.LastProcessingResult, 'OK');
  });

  it("the function's own SDK calls act as its role (temporary credentials in its environment)", async () => {
    const code = [
      'import boto3',
      'def handler(event, context):',
      "    me = boto3.client('sts').get_caller_identity()['Arn']",
      '    try:',
      "        boto3.client('kinesis').put_record(StreamName='orders', PartitionKey='k', Data=b'x')",
      "        put = 'allowed'",
      '    except Exception as e:',
      "        put = type(e).__name__ + ': ' + str(e)",
      "    return {'me': me, 'put': put}",
    ].join('\n');
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'whoami',
        Runtime: 'python3.11',
        Handler: 'app.handler',
        Role: ROLE_ARN,
        Timeout: 30,
        Code: { ZipFile: await makeZip({ 'app.py': code }) },
      }),
    );
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'whoami' }));
    const body = JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8')) as {
      me: string;
      put: string;
    };
    assert.equal(body.me, 'arn:aws:sts::000000000000:assumed-role/kinesis-reader/whoami');
    // AWSLambdaKinesisExecutionRole reads streams; it does not write to them.
    assert.match(body.put, /AccessDeniedException.*kinesis:PutRecord/);
  });
});
