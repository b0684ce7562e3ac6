import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import {
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import { clientConfig, tempDir, withTestServer } from '../harness/helpers.js';
import { signedClients } from '../harness/accounts.js';
import { spawnServer, stopServer } from '../harness/server-process.js';
import { tributary } from './cli-helpers.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/kinesis-sam', import.meta.url));
const ROOT = { accessKeyId: 'AKIATRIBUTARYSAM0001', secretAccessKey: 'tributary-sam-secret-0123456789' };
/** The CLI signs with these (README: Authentication). */
const SIGNED = {
  TRIBUTARY_ACCESS_KEY_ID: ROOT.accessKeyId,
  TRIBUTARY_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
};
const ROLE = 'kinesis-sam-LambdaFunctionRole';

/**
 * Issue 20's "SAM templates: a Kinesis event adds AWSLambdaKinesisExecutionRole to the generated role, as SAM
 * does": the example deployed to a server that checks signatures and enforces IAM (Lambda refuses a role it
 * cannot assume and a mapping whose role cannot read the stream or send to the on-failure queue).
 */
describe('tributary deploy with IAM enforced: the execution role SAM generates', () => {
  let app: App;
  let iam: IAMClient;
  let lambda: LambdaClient;
  let kinesis: KinesisClient;
  withTestServer(
    { ...ROOT },
    (a) => signedClients(a, ROOT),
    (a, c) => {
      app = a;
      ({ iam, lambda, kinesis } = c);
    },
  );

  it('creates the role through IAM (basic + Kinesis managed policies, the queue send policy); the mapping works; Policies update it in place', async () => {
    const dir = join(tempDir('tributary-sam-iam-'), 'kinesis-sam');
    cpSync(EXAMPLE, dir, { recursive: true });
    const template = join(dir, 'template.yaml');
    const deploy = (...args: string[]) =>
      tributary(['deploy', template, '--endpoint', app.endpoint, ...args], { env: SIGNED });

    const unsigned = await tributary(['deploy', template, '--endpoint', app.endpoint]);
    assert.equal(unsigned.code, 1, 'without the key pair nothing is deployed');
    assert.match(unsigned.stderr, /MissingAuthenticationToken|UnrecognizedClient|InvalidClientTokenId/);

    const first = await deploy('--parameter-overrides', 'StartingPosition=TRIM_HORIZON');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^\+ LambdaFunctionRole \(AWS::IAM::Role\) kinesis-sam-LambdaFunctionRole$/m);
    const role = (await iam.send(new GetRoleCommand({ RoleName: ROLE }))).Role!;
    const fn = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'kinesis-sam-LambdaFunction' }),
    );
    assert.equal(fn.Role, role.Arn);
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE }));
    assert.deepEqual(attached.AttachedPolicies?.map((p) => p.PolicyArn).sort(), [
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      'arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole',
    ]);
    const inline = await iam.send(new ListRolePoliciesCommand({ RoleName: ROLE }));
    assert.deepEqual(inline.PolicyNames, ['LambdaFunctionStreamSQSPolicy']);

    // The mapping reads the stream as the role: the records reach the function.
    await kinesis.send(
      new PutRecordsCommand({
        StreamName: 'kinesis-sam-stream',
        Records: [{ PartitionKey: '1', Data: Buffer.from('Hello, this is a test.') }],
      }),
    );
    const uuid = /^\+ LambdaFunctionStream \(AWS::Lambda::EventSourceMapping\) (\S+)$/m.exec(
      first.stdout,
    )![1]!;
    const waited = await tributary(['wait', uuid, '--endpoint', app.endpoint], { env: SIGNED });
    assert.equal(waited.code, 0, waited.stderr);
    const logs = await tributary(['logs', 'kinesis-sam-LambdaFunction', '--endpoint', app.endpoint], {
      env: SIGNED,
    });
    assert.match(logs.stdout, /Decoded payload: Hello, this is a test\./);

    // Policies added: the same role, its policies updated in place (a managed one attached, a template put).
    writeFileSync(
      template,
      readFileSync(template, 'utf8').replace(
        '      Handler: index.handler\n',
        '      Handler: index.handler\n      Policies:\n        - AmazonKinesisReadOnlyAccess\n' +
          '        - SNSPublishMessagePolicy: { TopicName: alerts }\n',
      ),
    );
    const second = await deploy('--parameter-overrides', 'StartingPosition=TRIM_HORIZON');
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /0 created, 1 updated, 0 removed/);
    assert.match(
      second.stdout,
      /^~ LambdaFunctionRole \(AWS::IAM::Role\) \S+ \[ManagedPolicyArns, Policies\]$/m,
    );
    const attachedNow = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE }));
    assert.ok(
      attachedNow.AttachedPolicies?.some(
        (p) => p.PolicyArn === 'arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess',
      ),
    );
    const inlineNow = await iam.send(new ListRolePoliciesCommand({ RoleName: ROLE }));
    assert.deepEqual(inlineNow.PolicyNames?.sort(), [
      'LambdaFunctionRolePolicy1',
      'LambdaFunctionStreamSQSPolicy',
    ]);
  });

  it("a template's own AWS::IAM::Role as a function's Role: no role generated, its policies are what the mapping needs", async () => {
    const dir = join(tempDir('tributary-sam-role-'), 'own-role');
    cpSync(join(EXAMPLE, 'function'), join(dir, 'function'), { recursive: true });
    const file = join(dir, 'template.yaml');
    writeFileSync(
      file,
      `Transform: AWS::Serverless-2016-10-31
Resources:
  Reader:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole]
  Events:
    Type: AWS::Kinesis::Stream
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: function/
      Handler: index.handler
      Runtime: nodejs20.x
      Role: !GetAtt Reader.Arn
      Policies: [AmazonSQSFullAccess]
      Events:
        S: { Type: Kinesis, Properties: { Stream: !GetAtt Events.Arn, StartingPosition: LATEST } }
`,
    );
    const r = await tributary(['deploy', file, '--endpoint', app.endpoint, '--json'], { env: SIGNED });
    assert.equal(r.code, 0, r.stderr);
    const changes = (JSON.parse(r.stdout) as { Changes: Array<{ logicalId: string; type: string }> }).Changes;
    assert.deepEqual(changes.map((c) => c.logicalId).sort(), ['Events', 'Fn', 'FnS', 'Reader']);
    const fn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'own-role-Fn' }));
    assert.equal(fn.Role, 'arn:aws:iam::000000000000:role/own-role-Reader');
    // With Role, Policies are ignored (the SAM spec): the role has only what the template gave it.
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'own-role-Reader' }));
    assert.deepEqual(
      attached.AttachedPolicies?.map((p) => p.PolicyName),
      ['AWSLambdaKinesisExecutionRole'],
    );
  });

  it('up --access-key-id ... --template: the template is deployed signed with the key pair given by flag', async () => {
    const env = { ...process.env };
    delete env['TRIBUTARY_ACCESS_KEY_ID'];
    delete env['TRIBUTARY_SECRET_ACCESS_KEY'];
    const server = await spawnServer(
      [
        '--in-memory',
        '--access-key-id',
        ROOT.accessKeyId,
        '--secret-access-key',
        ROOT.secretAccessKey,
        '--template',
        join(EXAMPLE, 'template.yaml'),
      ],
      { env },
    );
    try {
      assert.match(server.startOutput, /^\+ LambdaFunctionRole \(AWS::IAM::Role\) /m);
      const signed = new IAMClient(clientConfig(server, 'default', { credentials: ROOT }));
      const attached = await signed.send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE }));
      signed.destroy();
      assert.equal(attached.AttachedPolicies?.length, 2);
    } finally {
      await stopServer(server);
    }
  });
});
