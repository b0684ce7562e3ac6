import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  PutUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolesCommand,
  PutRolePolicyCommand,
  CreatePolicyCommand,
  GetPolicyVersionCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import type { App } from '../../src/app/app.js';
import { encode as cborEncode } from 'cbor-x';
import {
  clientConfig,
  region,
  startTestServer,
  tempDir,
  transports,
  withServer,
} from '../harness/helpers.js';
import { rawRequest, sendSigned, testSigner } from '../harness/sigv4-signing.js';

const exec = promisify(execFile);
const ROOT = { accessKeyId: 'AKIATRIBUTARYROOT001', secretAccessKey: 'tributary-root-secret-0123456789' };
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const KINESIS_ROLE = 'arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole';

function iam(app: App, creds = ROOT, h1 = false): IAMClient {
  return new IAMClient(clientConfig(app, h1 ? 'h1' : 'default', { credentials: creds, maxAttempts: 1 }));
}
function sts(
  app: App,
  creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = ROOT,
): STSClient {
  return new STSClient(clientConfig(app, 'default', { credentials: creds, maxAttempts: 1 }));
}

describe('IAM and STS APIs (signed, enforcing)', () => {
  let app: App;
  let dir: string;
  before(async () => {
    dir = tempDir();
    app = await startTestServer({ ...ROOT, dataDir: dir });
  });
  after(() => app.close());

  for (const transport of transports) {
    it(`roles: create, get, attach a managed policy, put an inline one, list, detach, delete (${transport})`, async () => {
      const c = iam(app, ROOT, transport === 'h1');
      const name = `kinesis-role-${transport}`;
      const created = await c.send(
        new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST }),
      );
      assert.equal(created.Role?.Arn, `arn:aws:iam::000000000000:role/${name}`);
      assert.match(created.Role?.RoleId ?? '', /^AROA[A-Z0-9]{16}$/);
      await assert.rejects(
        c.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST })),
        {
          name: 'EntityAlreadyExistsException',
        },
      );
      const got = await c.send(new GetRoleCommand({ RoleName: name }));
      assert.deepEqual(
        JSON.parse(decodeURIComponent(got.Role?.AssumeRolePolicyDocument ?? '')),
        JSON.parse(TRUST),
      );
      await c.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: KINESIS_ROLE }));
      await c.send(
        new PutRolePolicyCommand({
          RoleName: name,
          PolicyName: 'send-failures',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }],
          }),
        }),
      );
      const attached = await c.send(new ListAttachedRolePoliciesCommand({ RoleName: name }));
      assert.deepEqual(attached.AttachedPolicies, [
        { PolicyName: 'AWSLambdaKinesisExecutionRole', PolicyArn: KINESIS_ROLE },
      ]);
      const inline = await c.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: 'send-failures' }));
      assert.match(decodeURIComponent(inline.PolicyDocument ?? ''), /sqs:SendMessage/);
      assert.ok((await c.send(new ListRolesCommand({}))).Roles?.some((r) => r.RoleName === name));
      await assert.rejects(c.send(new DeleteRoleCommand({ RoleName: name })), {
        name: 'DeleteConflictException',
      });
      await c.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: KINESIS_ROLE }));
      await assert.rejects(c.send(new GetRoleCommand({ RoleName: 'no-such-role' })), {
        name: 'NoSuchEntityException',
        message: 'The role with name no-such-role cannot be found.',
      });
    });
  }

  it('AWS managed policies carry their real statements', async () => {
    const v = await iam(app).send(new GetPolicyVersionCommand({ PolicyArn: KINESIS_ROLE, VersionId: 'v1' }));
    const doc = JSON.parse(decodeURIComponent(v.PolicyVersion?.Document ?? '')) as {
      Statement: Array<{ Action: string[] }>;
    };
    assert.ok(doc.Statement[0]!.Action.includes('kinesis:GetRecords'));
    assert.ok(doc.Statement[0]!.Action.includes('kinesis:SubscribeToShard'));
  });

  it('a malformed policy document is refused', async () => {
    await assert.rejects(
      iam(app).send(
        new CreatePolicyCommand({
          PolicyName: 'bad',
          PolicyDocument: '{"Statement":[{"Effect":"Maybe","Action":"*"}]}',
        }),
      ),
      { name: 'MalformedPolicyDocumentException' },
    );
  });

  it("a user's access key signs requests; GetCallerIdentity names the caller; AssumeRole gives temporary credentials", async () => {
    const c = iam(app);
    await c.send(new CreateUserCommand({ UserName: 'alice' }));
    const key = (await c.send(new CreateAccessKeyCommand({ UserName: 'alice' }))).AccessKey!;
    assert.match(key.AccessKeyId ?? '', /^AKIA/);
    const alice = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const me = await sts(app, alice).send(new GetCallerIdentityCommand({}));
    assert.equal(me.Arn, 'arn:aws:iam::000000000000:user/alice');
    const root = await sts(app).send(new GetCallerIdentityCommand({}));
    assert.equal(root.Arn, 'arn:aws:iam::000000000000:root');

    await c.send(
      new CreateRoleCommand({
        RoleName: 'deployer',
        AssumeRolePolicyDocument: JSON.stringify({
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: 'arn:aws:iam::000000000000:user/alice' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      }),
    );
    const assumed = await sts(app, alice).send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/deployer', RoleSessionName: 'ci' }),
    );
    const temp = assumed.Credentials!;
    assert.match(temp.AccessKeyId ?? '', /^ASIA/);
    const asRole = await sts(app, {
      accessKeyId: temp.AccessKeyId!,
      secretAccessKey: temp.SecretAccessKey!,
      sessionToken: temp.SessionToken!,
    }).send(new GetCallerIdentityCommand({}));
    assert.equal(asRole.Arn, 'arn:aws:sts::000000000000:assumed-role/deployer/ci');
    // The token is part of the credentials: the key without it is refused.
    await assert.rejects(
      sts(app, { accessKeyId: temp.AccessKeyId!, secretAccessKey: temp.SecretAccessKey! }).send(
        new GetCallerIdentityCommand({}),
      ),
      { name: 'InvalidClientTokenId' },
    );
    // Root may not be trusted by the role's policy: only alice is.
    await assert.rejects(
      sts(app).send(
        new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/deployer', RoleSessionName: 'xy' }),
      ),
      { name: 'AccessDenied' },
    );
  });

  it("the tutorial's AWS CLI flow: create-role, attach-role-policy, and the role survives a restart", async () => {
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: ROOT.accessKeyId,
      AWS_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
      AWS_DEFAULT_REGION: region,
      AWS_PAGER: '',
    };
    const aws = (args: string[]) =>
      exec('aws', ['--endpoint-url', app.endpoint, '--output', 'json', ...args], { env });
    const out = await aws([
      'iam',
      'create-role',
      '--role-name',
      'lambda-kinesis-role',
      '--assume-role-policy-document',
      TRUST,
    ]);
    assert.equal(
      (JSON.parse(out.stdout) as { Role: { RoleName: string } }).Role.RoleName,
      'lambda-kinesis-role',
    );
    await aws([
      'iam',
      'attach-role-policy',
      '--role-name',
      'lambda-kinesis-role',
      '--policy-arn',
      KINESIS_ROLE,
    ]);
    await app.close();
    app = await startTestServer({ ...ROOT, dataDir: dir });
    const listed = JSON.parse(
      (await aws(['iam', 'list-attached-role-policies', '--role-name', 'lambda-kinesis-role'])).stdout,
    ) as {
      AttachedPolicies: Array<{ PolicyArn: string }>;
    };
    assert.deepEqual(
      listed.AttachedPolicies.map((p) => p.PolicyArn),
      [KINESIS_ROLE],
    );
    const py = await exec(
      'python3',
      [
        '-c',
        `import boto3; print(boto3.client('sts', endpoint_url='${app.endpoint}').get_caller_identity()['Arn'])`,
      ],
      { env },
    );
    assert.equal(py.stdout.trim(), 'arn:aws:iam::000000000000:root');
  });
});

describe('IAM enforcement of API callers', () => {
  let app: App;
  withServer((a) => (app = a), { ...ROOT });

  async function userWith(name: string, policyArns: string[], inline?: object): Promise<typeof ROOT> {
    const c = iam(app);
    await c.send(new CreateUserCommand({ UserName: name }));
    for (const arn of policyArns)
      await c.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: arn }));
    if (inline)
      await c.send(
        new PutUserPolicyCommand({
          UserName: name,
          PolicyName: 'inline',
          PolicyDocument: JSON.stringify(inline),
        }),
      );
    const k = (await c.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
  }

  for (const transport of transports) {
    it(`a user with AmazonKinesisReadOnlyAccess can GetRecords but not PutRecord (${transport})`, async () => {
      const stream = `ro-${transport}`;
      const root = new KinesisClient(clientConfig(app, 'default', { credentials: ROOT }));
      await root.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
      await root.send(
        new PutRecordCommand({ StreamName: stream, PartitionKey: 'k', Data: Buffer.from('hi') }),
      );
      const reader = await userWith(`reader-${transport}`, [
        'arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess',
      ]);
      const k = new KinesisClient(clientConfig(app, transport, { credentials: reader, maxAttempts: 1 }));
      const it0 = await k.send(
        new GetShardIteratorCommand({
          StreamName: stream,
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      const got = await k.send(new GetRecordsCommand({ ShardIterator: it0.ShardIterator! }));
      assert.equal(got.Records?.length, 1);
      await assert.rejects(
        k.send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'k', Data: Buffer.from('no') })),
        {
          name: 'AccessDeniedException',
          message: `User: arn:aws:iam::000000000000:user/reader-${transport} is not authorized to perform: kinesis:PutRecord on resource: arn:aws:kinesis:us-east-1:000000000000:stream/${stream} because no identity-based policy allows the kinesis:PutRecord action`,
        },
      );
    });
  }

  it('an explicit deny wins; resources are matched; Lambda and SNS answer in their protocols', async () => {
    const creds = await userWith('limited', ['arn:aws:iam::aws:policy/AdministratorAccess'], {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Deny', Action: 'kinesis:DeleteStream', Resource: 'arn:aws:kinesis:*:*:stream/keep-*' },
        { Effect: 'Deny', Action: ['lambda:ListFunctions', 'sns:ListTopics'], Resource: '*' },
      ],
    });
    const k = new KinesisClient(clientConfig(app, 'default', { credentials: creds, maxAttempts: 1 }));
    await k.send(new CreateStreamCommand({ StreamName: 'keep-me', ShardCount: 1 }));
    await k.send(new CreateStreamCommand({ StreamName: 'drop-me', ShardCount: 1 }));
    await assert.rejects(k.send(new DeleteStreamCommand({ StreamName: 'keep-me' })), (e: Error) => {
      assert.equal(e.name, 'AccessDeniedException');
      assert.match(e.message, /with an explicit deny in an identity-based policy$/);
      return true;
    });
    await k.send(new DeleteStreamCommand({ StreamName: 'drop-me' }));
    await assert.rejects(
      new LambdaClient(clientConfig(app, 'default', { credentials: creds, maxAttempts: 1 })).send(
        new ListFunctionsCommand({}),
      ),
      (e: Error & { $metadata: { httpStatusCode?: number } }) =>
        e.name === 'AccessDeniedException' && e.$metadata.httpStatusCode === 403,
    );
    await assert.rejects(
      new SNSClient(clientConfig(app, 'default', { credentials: creds, maxAttempts: 1 })).send(
        new ListTopicsCommand({}),
      ),
      { name: 'AuthorizationErrorException' },
    );
  });

  it('the resource is read from a JSON or CBOR body; an unreadable one is authorized on * and refused by Kinesis', async () => {
    const creds = await userWith('body-reader', ['arn:aws:iam::aws:policy/AdministratorAccess'], {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Action: 'kinesis:DescribeStreamSummary',
          Resource: 'arn:aws:kinesis:*:*:stream/secret-*',
        },
      ],
    });
    // Raw signed requests: no SDK sends CBOR from Node, nor a body that is not JSON.
    const describe = async (type: string, body: string | Uint8Array): Promise<string> => {
      const req = rawRequest(app.endpoint, {
        headers: { 'content-type': type, 'x-amz-target': 'Kinesis_20131202.DescribeStreamSummary' },
        body,
      });
      const res = await sendSigned(app.endpoint, await testSigner(creds, 'kinesis').sign(req), body);
      return `${res.status} ${res.type ?? res.text}`;
    };
    const json = 'application/x-amz-json-1.1';
    const cbor = 'application/x-amz-cbor-1.1';
    assert.match(
      await describe(json, JSON.stringify({ StreamName: 'secret-1' })),
      /^400 AccessDeniedException/,
    );
    assert.match(
      await describe(cbor, cborEncode({ StreamName: 'secret-1' })),
      /^400 .*AccessDeniedException/,
    );
    assert.match(
      await describe(json, JSON.stringify({ StreamName: 'public-1' })),
      /ResourceNotFoundException/,
    );
    assert.match(await describe(json, '{"StreamName": "secret-1"'), /^400 SerializationException/);
  });
});
