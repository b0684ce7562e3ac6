import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  ListStreamsCommand,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { GetFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import type { App } from '../../src/app/app.js';
import { startTestServer, tempDir, transports } from '../harness/helpers.js';
import { regionClients, type RegionClients } from '../harness/region-clients.js';
import { createNodeFunction, decode } from '../lambda/lambda-helpers.js';
import { A, B, ROOT_A, ROOT_B, twoAccounts } from '../harness/accounts.js';
import { rawRequest, sendSigned, testSigner } from '../harness/sigv4-signing.js';

const REGION = 'us-east-1';

describe('accounts: resources are per account and region', () => {
  let app: App;
  let a: RegionClients;
  let b: RegionClients;
  before(async () => {
    // Execution roles are IAM's business (accounts-iam.test.ts); here any role is accepted.
    app = await twoAccounts({ iam: 'off' });
  });
  after(() => app.close());

  for (const transport of transports) {
    it(`same-named streams of two accounts are apart, each ARN naming its account (${transport})`, async () => {
      a = regionClients(app, REGION, transport, ROOT_A);
      b = regionClients(app, REGION, transport, ROOT_B);
      try {
        const name = `orders-${transport}`;
        await a.kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
        const ofBefore = (await b.kinesis.send(new ListStreamsCommand({}))).StreamNames ?? [];
        assert.ok(!ofBefore.includes(name), `B does not see A's ${name}`);
        await b.kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 2 }));
        const ofA = await a.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
        const ofB = await b.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
        assert.equal(
          ofA.StreamDescriptionSummary?.StreamARN,
          `arn:aws:kinesis:${REGION}:${A}:stream/${name}`,
        );
        assert.equal(
          ofB.StreamDescriptionSummary?.StreamARN,
          `arn:aws:kinesis:${REGION}:${B}:stream/${name}`,
        );
        assert.equal(ofA.StreamDescriptionSummary?.OpenShardCount, 1);
        assert.equal(ofB.StreamDescriptionSummary?.OpenShardCount, 2);
      } finally {
        a.destroy();
        b.destroy();
      }
    });
  }

  it('same-named functions and queues of two accounts are apart; a function runs in its account', async () => {
    a = regionClients(app, REGION, 'h2', ROOT_A);
    b = regionClients(app, REGION, 'h2', ROOT_B);
    try {
      const code = (v: string): string => `export const handler = async () => '${v}';`;
      await createNodeFunction(a.lambda, 'echo', code('a'));
      await assert.rejects(b.lambda.send(new GetFunctionCommand({ FunctionName: 'echo' })), {
        name: 'ResourceNotFoundException',
      });
      await createNodeFunction(b.lambda, 'echo', code('b'));
      const fnB = await b.lambda.send(new GetFunctionCommand({ FunctionName: 'echo' }));
      assert.equal(fnB.Configuration?.FunctionArn, `arn:aws:lambda:${REGION}:${B}:function:echo`);
      assert.equal(decode((await a.lambda.send(new InvokeCommand({ FunctionName: 'echo' }))).Payload), 'a');
      assert.equal(decode((await b.lambda.send(new InvokeCommand({ FunctionName: 'echo' }))).Payload), 'b');

      const urlA = (await a.sqs.send(new CreateQueueCommand({ QueueName: 'dlq' }))).QueueUrl!;
      assert.equal((await b.sqs.send(new ListQueuesCommand({}))).QueueUrls, undefined);
      const urlB = (await b.sqs.send(new CreateQueueCommand({ QueueName: 'dlq' }))).QueueUrl!;
      assert.match(urlA, new RegExp(`/${A}/dlq$`));
      assert.match(urlB, new RegExp(`/${B}/dlq$`));
      const arnB = await b.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: urlB, AttributeNames: ['QueueArn'] }),
      );
      assert.equal(arnB.Attributes?.['QueueArn'], `arn:aws:sqs:${REGION}:${B}:dlq`);
    } finally {
      a.destroy();
      b.destroy();
    }
  });
});

/** A signed request to Tributary's stacks endpoint (what `tributary deploy` sends). */
async function stacks(app: App, keys: typeof ROOT_A, method: string, name?: string, body?: unknown) {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const req = rawRequest(app.endpoint, {
    method,
    path: `/_tributary/stacks${name === undefined ? '' : `/${name}`}`,
    headers: { 'content-type': 'application/json' },
    ...(text !== undefined ? { body: text } : {}),
  });
  const res = await sendSigned(app.endpoint, await testSigner(keys, 'lambda').sign(req), text);
  return JSON.parse(res.text) as Record<string, unknown>;
}

describe("deployed stacks are their account's", () => {
  it("GET names the caller's account (AWS::AccountId); same-named stacks of two accounts are apart", async () => {
    const app = await twoAccounts({ iam: 'off' });
    try {
      const resources = (id: string) => ({
        Resources: [{ LogicalId: 'S', Type: 'AWS::Kinesis::Stream', PhysicalId: id, Properties: '{}' }],
      });
      await stacks(app, ROOT_A, 'PUT', 'app', resources('of-a'));
      const ofB = await stacks(app, ROOT_B, 'GET', 'app');
      assert.deepEqual([ofB['AccountId'], ofB['Stack']], [B, null]);
      await stacks(app, ROOT_B, 'PUT', 'app', resources('of-b'));
      const ofA = (await stacks(app, ROOT_A, 'GET', 'app')) as {
        AccountId: string;
        Stack: { Resources: unknown };
      };
      assert.equal(ofA.AccountId, A);
      assert.deepEqual(ofA.Stack.Resources, resources('of-a').Resources);
      const listed = (await stacks(app, ROOT_B, 'GET'))['Stacks'] as Array<{ StackName: string }>;
      assert.deepEqual(
        listed.map((x) => x.StackName),
        ['app'],
      );
      const bApp = (await stacks(app, ROOT_B, 'GET', 'app')) as { Stack: { Resources: unknown } };
      assert.deepEqual(bApp.Stack.Resources, resources('of-b').Resources);
    } finally {
      await app.close();
    }
  });
});

describe('accounts across restarts', () => {
  it('a data dir from before accounts opens with its data as the default account; both accounts are kept, also when one is left out of a start', async () => {
    const dataDir = tempDir();
    // Before accounts: one account, its data unprefixed.
    let app = await startTestServer({ dataDir, ...ROOT_A, iam: 'off' });
    let a = regionClients(app, REGION, 'h2', ROOT_A);
    await a.kinesis.send(new CreateStreamCommand({ StreamName: 'old', ShardCount: 1 }));
    await a.kinesis.send(
      new PutRecordCommand({ StreamName: 'old', PartitionKey: 'k', Data: Buffer.from('x') }),
    );
    a.destroy();
    await app.close();

    app = await twoAccounts({ dataDir, iam: 'off' });
    a = regionClients(app, REGION, 'h2', ROOT_A);
    let b = regionClients(app, REGION, 'h2', ROOT_B);
    assert.deepEqual((await a.kinesis.send(new ListStreamsCommand({}))).StreamNames, ['old']);
    assert.deepEqual((await b.kinesis.send(new ListStreamsCommand({}))).StreamNames, []);
    await b.kinesis.send(new CreateStreamCommand({ StreamName: 'old', ShardCount: 3 }));
    await b.kinesis.send(new CreateStreamCommand({ StreamName: 'new', ShardCount: 1 }));
    // B in a second region too: kept as B's.
    const bWest = regionClients(app, 'us-west-2', 'h2', ROOT_B);
    await bWest.kinesis.send(new CreateStreamCommand({ StreamName: 'west', ShardCount: 1 }));
    bWest.destroy();
    a.destroy();
    b.destroy();
    await app.close();

    // B taken out of the configuration: its keys no longer sign; its data stays, unread.
    app = await startTestServer({ dataDir, ...ROOT_A, iam: 'off' });
    b = regionClients(app, REGION, 'h2', ROOT_B);
    await assert.rejects(b.kinesis.send(new ListStreamsCommand({})), { name: 'UnrecognizedClientException' });
    b.destroy();
    await app.close();

    // Configured again: B's streams are back, in both regions.
    app = await twoAccounts({ dataDir, iam: 'off' });
    a = regionClients(app, REGION, 'h2', ROOT_A);
    b = regionClients(app, REGION, 'h2', ROOT_B);
    const west = regionClients(app, 'us-west-2', 'h2', ROOT_B);
    try {
      assert.deepEqual((await a.kinesis.send(new ListStreamsCommand({}))).StreamNames, ['old']);
      assert.deepEqual((await b.kinesis.send(new ListStreamsCommand({}))).StreamNames, ['new', 'old']);
      const old = await b.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'old' }));
      assert.equal(old.StreamDescriptionSummary?.OpenShardCount, 3);
      assert.equal(old.StreamDescriptionSummary?.StreamARN, `arn:aws:kinesis:${REGION}:${B}:stream/old`);
      assert.deepEqual((await west.kinesis.send(new ListStreamsCommand({}))).StreamNames, ['west']);
    } finally {
      a.destroy();
      b.destroy();
      west.destroy();
      await app.close();
    }
  });
});
