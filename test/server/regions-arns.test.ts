import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateStreamCommand,
  DescribeStreamConsumerCommand,
  RegisterStreamConsumerCommand,
} from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  GetFunctionCommand,
  InvokeCommand,
  PublishLayerVersionCommand,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, ListTopicsCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { App } from '../../src/app/app.js';
import { regionClients, type RegionClients } from '../harness/region-clients.js';
import { credentials, transports, waitFor, withServer, withTestServer } from '../harness/helpers.js';
import { testSigner } from '../harness/sigv4-signing.js';
import { createNodeFunction, makeZip } from '../lambda/lambda-helpers.js';
import { queueArnOf } from '../sqs-sns/sqs-sns-helpers.js';

/** The server's default region: where the other region's resources must not show up. */
const HOME = 'us-east-1';
const ACCOUNT = '000000000000';

/**
 * Every ARN a resource gets names the region of the request that made it (AWS: "arn:partition:service:region:
 * account-id:resource"), for each kind of resource the server has, over HTTP/2 and HTTP/1.1.
 */
for (const transport of transports) {
  const REGION = transport === 'h2' ? 'eu-central-1' : 'ap-northeast-1';
  describe(`every ARN carries the request's region (${transport})`, () => {
    let r: RegionClients;
    let home: RegionClients;
    withTestServer(
      {},
      (a) => ({ r: regionClients(a, REGION, transport), home: regionClients(a, HOME, transport) }),
      (_, made) => ({ r, home } = made),
    );
    const arnOf = (service: string, resource: string): string =>
      `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;

    it('streams, consumers, functions, layers, mappings, queues, topics, subscriptions, log groups', async () => {
      await r.kinesis.send(new CreateStreamCommand({ StreamName: 'arns', ShardCount: 1 }));
      const consumer = await r.kinesis.send(
        new RegisterStreamConsumerCommand({ StreamARN: arnOf('kinesis', 'stream/arns'), ConsumerName: 'c' }),
      );
      assert.match(
        consumer.Consumer?.ConsumerARN ?? '',
        new RegExp(`^${arnOf('kinesis', 'stream/arns')}/consumer/c:\\d+$`),
      );
      await createNodeFunction(
        r.lambda,
        'where',
        `export const handler = async () => { console.log('in ' + process.env.AWS_REGION); return process.env.AWS_REGION; };`,
      );
      const fn = await r.lambda.send(new GetFunctionCommand({ FunctionName: 'where' }));
      assert.equal(fn.Configuration?.FunctionArn, arnOf('lambda', 'function:where'));
      const layer = await r.lambda.send(
        new PublishLayerVersionCommand({
          LayerName: 'shared',
          Content: { ZipFile: await makeZip({ 'nodejs/x.js': '' }) },
        }),
      );
      assert.equal(layer.LayerArn, arnOf('lambda', 'layer:shared'));
      assert.equal(layer.LayerVersionArn, arnOf('lambda', 'layer:shared:1'));
      const mapping = await r.lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: 'where',
          EventSourceArn: arnOf('kinesis', 'stream/arns'),
          StartingPosition: 'LATEST',
        }),
      );
      assert.equal(mapping.FunctionArn, arnOf('lambda', 'function:where'));
      assert.equal(mapping.EventSourceMappingArn, arnOf('lambda', `event-source-mapping:${mapping.UUID}`));

      const url = (await r.sqs.send(new CreateQueueCommand({ QueueName: 'arns' }))).QueueUrl!;
      assert.equal(await queueArnOf(r.sqs, url), arnOf('sqs', 'arns'));
      const topic = (await r.sns.send(new CreateTopicCommand({ Name: 'arns' }))).TopicArn;
      assert.equal(topic, arnOf('sns', 'arns'));
      const sub = await r.sns.send(
        new SubscribeCommand({ TopicArn: topic, Protocol: 'sqs', Endpoint: arnOf('sqs', 'arns') }),
      );
      assert.match(sub.SubscriptionArn ?? '', new RegExp(`^${arnOf('sns', 'arns')}:[0-9a-f-]{36}$`));

      await r.logs.send(new CreateLogGroupCommand({ logGroupName: 'app' }));
      const made = await r.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'app' }));
      assert.equal(made.logGroups?.[0]?.arn, arnOf('logs', 'log-group:app:*'));
      // The function runs in its region and logs to that region's CloudWatch Logs.
      const out = await r.lambda.send(new InvokeCommand({ FunctionName: 'where' }));
      assert.equal(Buffer.from(out.Payload ?? []).toString(), JSON.stringify(REGION));
      // The function's lines are filed as its worker writes them, which may be after Invoke answered.
      const fnGroups = await waitFor(
        async () => {
          const g = await r.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/' }));
          return g.logGroups?.length ? g.logGroups : undefined;
        },
        10_000,
        "the function's log group",
      );
      assert.deepEqual(
        fnGroups.map((g) => g.arn),
        [arnOf('logs', 'log-group:/aws/lambda/where:*')],
      );
      const homeGroups = await home.logs.send(new DescribeLogGroupsCommand({}));
      assert.deepEqual(homeGroups.logGroups, [], 'the default region has no log groups');
    });

    it("answers another region's ARNs as AWS does", async () => {
      // Lambda: "Functions from 'X' are not reachable in this region ('Y')", a 404.
      await assert.rejects(
        home.lambda.send(new GetFunctionCommand({ FunctionName: arnOf('lambda', 'function:where') })),
        (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
          assert.equal(e.name, 'ResourceNotFoundException');
          assert.equal(e.message, `Functions from '${REGION}' are not reachable in this region ('${HOME}')`);
          assert.equal(e.$metadata?.httpStatusCode, 404);
          return true;
        },
      );
      // SNS: a topic of another region is not a parameter this region takes.
      await assert.rejects(
        home.sns.send(new PublishCommand({ TopicArn: arnOf('sns', 'arns'), Message: 'x' })),
        { name: 'InvalidParameterException', message: 'Invalid parameter: TopicArn' },
      );
      // Kinesis: another region's consumer is not found here.
      const consumer = await r.kinesis.send(
        new DescribeStreamConsumerCommand({ StreamARN: arnOf('kinesis', 'stream/arns'), ConsumerName: 'c' }),
      );
      await assert.rejects(
        home.kinesis.send(
          new DescribeStreamConsumerCommand({
            ConsumerARN: consumer.ConsumerDescription!.ConsumerARN!,
          }),
        ),
        { name: 'ResourceNotFoundException' },
      );
    });
  });
}

describe("the region of a presigned request's X-Amz-Credential", () => {
  let app: App;
  withServer((a) => (app = a));

  it('is where the request acts, as the Authorization header would say', async () => {
    const url = new URL(app.endpoint);
    const signer = testSigner(credentials, 'sns', 'ca-central-1');
    const presigned = await signer.presign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/',
        query: { Action: 'CreateTopic', Name: 'presigned', Version: '2010-03-31' },
        headers: { host: url.host },
      },
      { expiresIn: 60 },
    );
    const qs = new URLSearchParams(presigned.query as Record<string, string>);
    assert.match(qs.get('X-Amz-Credential') ?? '', /\/ca-central-1\/sns\/aws4_request$/);
    const res = await fetch(`${app.endpoint}/?${qs.toString()}`);
    const text = await res.text();
    assert.equal(res.status, 200, text);
    assert.match(text, /<TopicArn>arn:aws:sns:ca-central-1:000000000000:presigned<\/TopicArn>/);
    const canada = regionClients(app, 'ca-central-1');
    const east = regionClients(app, HOME);
    try {
      assert.deepEqual((await canada.sns.send(new ListTopicsCommand({}))).Topics, [
        { TopicArn: 'arn:aws:sns:ca-central-1:000000000000:presigned' },
      ]);
      assert.deepEqual((await east.sns.send(new ListTopicsCommand({}))).Topics, []);
    } finally {
      canada.destroy();
      east.destroy();
    }
  });
});
