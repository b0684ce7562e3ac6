import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  ListRolesCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  ListStreamsCommand,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { CreateEventSourceMappingCommand, GetFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { App } from '../../src/app/app.js';
import { clientConfig, region, tempDir, transports, type Transport } from '../harness/helpers.js';
import { spawnServer, stopServer } from '../harness/server-process.js';
import { createNodeFunction, createPythonFunction, decode } from '../lambda/lambda-helpers.js';
import { regionClients } from '../harness/region-clients.js';
import { A, B, ROOT_A, ROOT_B, twoAccounts } from '../harness/accounts.js';

type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const exec = promisify(execFile);

const iam = (app: Pick<App, 'endpoint'>, creds: Keys): IAMClient =>
  new IAMClient(clientConfig(app, 'default', { credentials: creds, maxAttempts: 1 }));
const sts = (app: Pick<App, 'endpoint'>, creds: Keys, transport: Transport = 'h2'): STSClient =>
  new STSClient(clientConfig(app, transport, { credentials: creds, maxAttempts: 1 }));
const trustOf = (principal: string): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }],
  });
const READ_ONLY = 'arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess';
const KINESIS_EXECUTION = 'arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole';
const LAMBDA_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** A user of an account with an access key, and the key. */
async function userWithKey(app: Pick<App, 'endpoint'>, root: Keys, name: string): Promise<Keys> {
  const c = iam(app, root);
  await c.send(new CreateUserCommand({ UserName: name }));
  const k = (await c.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
}

describe('IAM and STS per account (signed, enforcing)', () => {
  let app: App;
  before(async () => {
    app = await twoAccounts();
  });
  after(() => app.close());

  for (const transport of transports) {
    it(`GetCallerIdentity answers the account of the key (${transport})`, async () => {
      const ofA = await sts(app, ROOT_A, transport).send(new GetCallerIdentityCommand({}));
      const ofB = await sts(app, ROOT_B, transport).send(new GetCallerIdentityCommand({}));
      assert.deepEqual([ofA.Account, ofA.Arn], [A, `arn:aws:iam::${A}:root`]);
      assert.deepEqual([ofB.Account, ofB.Arn], [B, `arn:aws:iam::${B}:root`]);
    });
  }

  it("roles and users are their account's: same names apart, ARNs naming the account, a user's key acts in its account", async () => {
    const trust = trustOf(`arn:aws:iam::${B}:root`);
    await iam(app, ROOT_B).send(
      new CreateRoleCommand({ RoleName: 'worker', AssumeRolePolicyDocument: trust }),
    );
    const rolesOfA = (await iam(app, ROOT_A).send(new ListRolesCommand({}))).Roles ?? [];
    assert.ok(!rolesOfA.some((r) => r.RoleName === 'worker'), "A does not see B's role");
    const ofA = await iam(app, ROOT_A).send(
      new CreateRoleCommand({ RoleName: 'worker', AssumeRolePolicyDocument: trust }),
    );
    assert.equal(ofA.Role?.Arn, `arn:aws:iam::${A}:role/worker`);

    const carol = await userWithKey(app, ROOT_B, 'carol');
    await iam(app, ROOT_B).send(new AttachRolePolicyCommand({ RoleName: 'worker', PolicyArn: READ_ONLY }));
    const who = await sts(app, carol).send(new GetCallerIdentityCommand({}));
    assert.deepEqual([who.Account, who.Arn], [B, `arn:aws:iam::${B}:user/carol`]);
    // carol has no policy: denied in her account, whose resources she names.
    const k = regionClients(app, region, 'h2', carol);
    try {
      await assert.rejects(k.kinesis.send(new ListStreamsCommand({})), (err: Error) => {
        assert.equal(err.name, 'AccessDeniedException');
        assert.match(err.message, new RegExp(`^User: arn:aws:iam::${B}:user/carol is not authorized`));
        return true;
      });
    } finally {
      k.destroy();
    }
  });

  it("AssumeRole into another account's role: its trust policy names the caller's account, the caller's policy allows it", async () => {
    const b = regionClients(app, region, 'h2', ROOT_B);
    await b.kinesis.send(new CreateStreamCommand({ StreamName: 'shared', ShardCount: 1 }));
    b.destroy();
    const rb = iam(app, ROOT_B);
    await rb.send(new CreateRoleCommand({ RoleName: 'reader', AssumeRolePolicyDocument: trustOf(A) }));
    await rb.send(new AttachRolePolicyCommand({ RoleName: 'reader', PolicyArn: READ_ONLY }));
    await rb.send(
      new CreateRoleCommand({ RoleName: 'closed', AssumeRolePolicyDocument: trustOf('333333333333') }),
    );
    const roleArn = `arn:aws:iam::${B}:role/reader`;

    const alice = await userWithKey(app, ROOT_A, 'alice');
    const assume = (creds: Keys, arn = roleArn) =>
      sts(app, creds).send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'from-a' }));
    // The trust policy lets A in, but alice's own policies do not allow sts:AssumeRole: both are needed.
    await assert.rejects(assume(alice), (err: Error) => {
      assert.equal(err.name, 'AccessDenied');
      assert.equal(
        err.message,
        `User: arn:aws:iam::${A}:user/alice is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      );
      return true;
    });
    // A trust policy naming another account keeps even A's root out.
    await assert.rejects(assume(ROOT_A, `arn:aws:iam::${B}:role/closed`), { name: 'AccessDenied' });
    await iam(app, ROOT_A).send(
      new PutUserPolicyCommand({
        UserName: 'alice',
        PolicyName: 'assume-reader',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn }],
        }),
      }),
    );
    const out = await assume(alice);
    assert.equal(out.AssumedRoleUser?.Arn, `arn:aws:sts::${B}:assumed-role/reader/from-a`);
    const session: Keys = {
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken!,
    };
    const who = await sts(app, session).send(new GetCallerIdentityCommand({}));
    assert.deepEqual([who.Account, who.Arn], [B, `arn:aws:sts::${B}:assumed-role/reader/from-a`]);
    // The session acts in B with the role's policies: it reads B's stream and may not write.
    const k = regionClients(app, region, 'h1', session);
    try {
      const s = await k.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'shared' }));
      assert.equal(s.StreamDescriptionSummary?.StreamARN, `arn:aws:kinesis:${region}:${B}:stream/shared`);
      await assert.rejects(
        k.kinesis.send(
          new PutRecordCommand({ StreamName: 'shared', PartitionKey: 'k', Data: Buffer.from('x') }),
        ),
        { name: 'AccessDeniedException' },
      );
    } finally {
      k.destroy();
    }
    // A's root needs no identity policy of its own.
    assert.equal((await assume(ROOT_A)).AssumedRoleUser?.Arn, `arn:aws:sts::${B}:assumed-role/reader/from-a`);
  });

  it("another account's stream, function or queue named by ARN is AccessDenied (no resource-based policies)", async () => {
    const a = regionClients(app, region, 'h2', ROOT_A);
    const b = regionClients(app, region, 'h2', ROOT_B);
    try {
      await b.kinesis.send(new CreateStreamCommand({ StreamName: 'private', ShardCount: 1 }));
      const streamArn = `arn:aws:kinesis:${region}:${B}:stream/private`;
      await assert.rejects(
        a.kinesis.send(new DescribeStreamSummaryCommand({ StreamARN: streamArn })),
        (err: Error) => {
          assert.equal(err.name, 'AccessDeniedException');
          assert.equal(
            err.message,
            `User: arn:aws:iam::${A}:root is not authorized to perform: kinesis:DescribeStreamSummary on resource: ${streamArn} because no resource-based policy allows the kinesis:DescribeStreamSummary action`,
          );
          return true;
        },
      );
      const fnArn = `arn:aws:lambda:${region}:${B}:function:anything`;
      await assert.rejects(a.lambda.send(new GetFunctionCommand({ FunctionName: fnArn })), (err: Error) => {
        assert.equal(err.name, 'AccessDeniedException');
        assert.match(err.message, /because no resource-based policy allows the lambda:GetFunction action$/);
        return true;
      });
      const url = (await b.sqs.send(new CreateQueueCommand({ QueueName: 'private' }))).QueueUrl!;
      await assert.rejects(
        a.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] })),
        /because no resource-based policy allows the sqs:GetQueueAttributes action/,
      );
      const topic = (await b.sns.send(new CreateTopicCommand({ Name: 'private' }))).TopicArn!;
      await assert.rejects(a.sns.send(new GetTopicAttributesCommand({ TopicArn: topic })), {
        name: 'AuthorizationErrorException',
      });
      // A mapping reads a stream of its function's account: another account's is not there to read.
      const ra = iam(app, ROOT_A);
      await ra.send(new CreateRoleCommand({ RoleName: 'reads-b', AssumeRolePolicyDocument: LAMBDA_TRUST }));
      await ra.send(new AttachRolePolicyCommand({ RoleName: 'reads-b', PolicyArn: KINESIS_EXECUTION }));
      await createNodeFunction(a.lambda, 'reads-b', 'export const handler = async () => 1;', {
        Role: `arn:aws:iam::${A}:role/reads-b`,
      });
      await assert.rejects(
        a.lambda.send(
          new CreateEventSourceMappingCommand({
            FunctionName: 'reads-b',
            EventSourceArn: streamArn,
            StartingPosition: 'LATEST',
          }),
        ),
        { name: 'InvalidParameterValueException', message: `Stream not found: ${streamArn}` },
      );
      // An account the server does not have holds nothing: not found, as before accounts.
      await assert.rejects(
        a.kinesis.send(
          new DescribeStreamSummaryCommand({
            StreamARN: `arn:aws:kinesis:${region}:444444444444:stream/private`,
          }),
        ),
        { name: 'ResourceNotFoundException' },
      );
    } finally {
      a.destroy();
      b.destroy();
    }
  });

  it('the AWS CLI and boto3 name the account of their keys', async () => {
    const env = (k: Keys) => ({
      ...process.env,
      AWS_ACCESS_KEY_ID: k.accessKeyId,
      AWS_SECRET_ACCESS_KEY: k.secretAccessKey,
      AWS_DEFAULT_REGION: region,
      AWS_PAGER: '',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    const cli = await exec(
      'aws',
      ['--endpoint-url', app.endpoint, '--output', 'json', 'sts', 'get-caller-identity'],
      {
        env: env(ROOT_B),
      },
    );
    assert.equal((JSON.parse(cli.stdout) as { Account: string }).Account, B);
    const py = `
import boto3, json, os
sts = boto3.client('sts', endpoint_url=os.environ['ENDPOINT'])
c = sts.assume_role(RoleArn='arn:aws:iam::${B}:role/reader', RoleSessionName='py')['Credentials']
s = boto3.client('sts', endpoint_url=os.environ['ENDPOINT'], aws_access_key_id=c['AccessKeyId'],
                 aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken'])
print(json.dumps([sts.get_caller_identity()['Account'], s.get_caller_identity()['Arn']]))
`;
    const { stdout } = await exec('python3', ['-c', py], { env: { ...env(ROOT_A), ENDPOINT: app.endpoint } });
    assert.deepEqual(JSON.parse(stdout), [A, `arn:aws:sts::${B}:assumed-role/reader/py`]);
  });
});

describe('two accounts across kill -9 (accounts from TRIBUTARY_ACCOUNTS)', () => {
  it("each account keeps its roles, users' keys, streams and functions; a function's SDK calls act as its account's role", async () => {
    const dataDir = tempDir();
    const env = {
      ...process.env,
      TRIBUTARY_ACCESS_KEY_ID: ROOT_A.accessKeyId,
      TRIBUTARY_SECRET_ACCESS_KEY: ROOT_A.secretAccessKey,
      TRIBUTARY_ACCOUNTS: `${B}:${ROOT_B.accessKeyId}:${ROOT_B.secretAccessKey}`,
    };
    const first = await spawnServer(['--data-dir', dataDir], { env });
    const rb = iam(first, ROOT_B);
    await rb.send(new CreateRoleCommand({ RoleName: 'fn', AssumeRolePolicyDocument: LAMBDA_TRUST }));
    const dave = await userWithKey(first, ROOT_B, 'dave');
    await rb.send(new AttachUserPolicyCommand({ UserName: 'dave', PolicyArn: READ_ONLY }));
    let b = regionClients(first, region, 'h2', ROOT_B);
    // The function's own SDK calls sign with its role's session, which is its account's.
    const source = [
      'import boto3',
      'def lambda_handler(event, context):',
      "    return [context.invoked_function_arn, boto3.client('sts').get_caller_identity()['Arn']]",
    ].join('\n');
    // A function's role is its account's: A's role ARN (even of a role A has) cannot be B's function's.
    await iam(first, ROOT_A).send(
      new CreateRoleCommand({ RoleName: 'fn', AssumeRolePolicyDocument: LAMBDA_TRUST }),
    );
    await assert.rejects(
      createPythonFunction(b.lambda, 'echo', source, { Role: `arn:aws:iam::${A}:role/fn` }),
      /The role defined for the function cannot be assumed by Lambda/,
    );
    await createPythonFunction(b.lambda, 'echo', source, { Role: `arn:aws:iam::${B}:role/fn`, Timeout: 30 });
    await b.kinesis.send(new CreateStreamCommand({ StreamName: 'kept', ShardCount: 1 }));
    b.destroy();
    await first.kill9();

    const next = await spawnServer(['--data-dir', dataDir], { env });
    b = regionClients(next, region, 'h1', ROOT_B);
    const asDave = regionClients(next, region, 'h2', dave);
    const a = regionClients(next, region, 'h2', ROOT_A);
    try {
      const who = await sts(next, dave).send(new GetCallerIdentityCommand({}));
      assert.deepEqual([who.Account, who.Arn], [B, `arn:aws:iam::${B}:user/dave`]);
      assert.deepEqual((await asDave.kinesis.send(new ListStreamsCommand({}))).StreamNames, ['kept']);
      const roles = (await iam(next, ROOT_B).send(new ListRolesCommand({}))).Roles ?? [];
      assert.deepEqual(
        roles.map((r) => r.Arn),
        [`arn:aws:iam::${B}:role/fn`],
      );
      const out = await b.lambda.send(new InvokeCommand({ FunctionName: 'echo' }));
      assert.deepEqual(decode(out.Payload), [
        `arn:aws:lambda:${region}:${B}:function:echo`,
        `arn:aws:sts::${B}:assumed-role/fn/echo`,
      ]);
      await assert.rejects(a.lambda.send(new InvokeCommand({ FunctionName: 'echo' })), {
        name: 'ResourceNotFoundException',
      });
    } finally {
      for (const c of [a, b, asDave]) c.destroy();
      await stopServer(next);
    }
  });
});
