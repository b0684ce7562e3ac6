import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  ListStreamsCommand,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  GetFunctionCommand,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
} from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { CreateTopicCommand, ListTopicsCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import http from 'node:http';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { App } from '../../src/app/app.js';
import { regionClients, type RegionClients } from '../harness/region-clients.js';
import { clientConfig, awsCli, waitFor, withServer, withTestServer } from '../harness/helpers.js';
import { CloudWatchClient, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { createRecordingFunction } from '../mappings/mapping-fixtures.js';
import { queueArnOf } from '../sqs-sns/sqs-sns-helpers.js';
import { createNodeFunction } from '../lambda/lambda-helpers.js';
import { Gate } from '../harness/gate.js';

const EAST = 'us-east-1';
const WEST = 'us-west-2';

/** An unsigned Kinesis JSON request (no Authorization header): it acts in the default region. */
function unsigned(
  app: App,
  target: string,
  body: unknown,
  auth?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${app.endpoint}/`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `Kinesis_20131202.${target}`,
          ...(auth === undefined ? {} : { authorization: auth }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

for (const transport of ['h2', 'h1'] as const) {
  describe(`regions from the request's credential scope (${transport})`, () => {
    let app: App;
    let east: RegionClients;
    let west: RegionClients;
    withTestServer(
      {},
      (a) => ({ east: regionClients(a, EAST, transport), west: regionClients(a, WEST, transport) }),
      (a, made) => {
        app = a;
        ({ east, west } = made);
      },
    );

    it('keeps same-named streams apart, each with its region in its ARN', async () => {
      await east.kinesis.send(new CreateStreamCommand({ StreamName: 'orders', ShardCount: 1 }));
      await west.kinesis.send(new CreateStreamCommand({ StreamName: 'orders', ShardCount: 3 }));
      await west.kinesis.send(new CreateStreamCommand({ StreamName: 'west-only', ShardCount: 1 }));
      const e = await east.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'orders' }));
      const w = await west.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'orders' }));
      assert.equal(
        e.StreamDescriptionSummary?.StreamARN,
        `arn:aws:kinesis:${EAST}:000000000000:stream/orders`,
      );
      assert.equal(
        w.StreamDescriptionSummary?.StreamARN,
        `arn:aws:kinesis:${WEST}:000000000000:stream/orders`,
      );
      assert.equal(e.StreamDescriptionSummary?.OpenShardCount, 1);
      assert.equal(w.StreamDescriptionSummary?.OpenShardCount, 3);
      assert.deepEqual((await east.kinesis.send(new ListStreamsCommand({}))).StreamNames, ['orders']);
      assert.deepEqual((await west.kinesis.send(new ListStreamsCommand({}))).StreamNames, [
        'orders',
        'west-only',
      ]);
      // A stream ARN of the other region names no stream here.
      await assert.rejects(
        east.kinesis.send(
          new DescribeStreamSummaryCommand({ StreamARN: w.StreamDescriptionSummary!.StreamARN! }),
        ),
        { name: 'ResourceNotFoundException' },
      );
    });

    it('keeps same-named queues and topics apart, with region-bearing ARNs', async () => {
      const eq = (await east.sqs.send(new CreateQueueCommand({ QueueName: 'dlq' }))).QueueUrl!;
      const wq = (await west.sqs.send(new CreateQueueCommand({ QueueName: 'dlq' }))).QueueUrl!;
      await west.sqs.send(new CreateQueueCommand({ QueueName: 'west-queue' }));
      assert.equal(await queueArnOf(east.sqs, eq), `arn:aws:sqs:${EAST}:000000000000:dlq`);
      assert.equal(await queueArnOf(west.sqs, wq), `arn:aws:sqs:${WEST}:000000000000:dlq`);
      assert.equal((await east.sqs.send(new ListQueuesCommand({}))).QueueUrls?.length, 1);
      assert.equal((await west.sqs.send(new ListQueuesCommand({}))).QueueUrls?.length, 2);
      await west.sqs.send(new SendMessageCommand({ QueueUrl: wq, MessageBody: 'for the west' }));
      const got = await east.sqs.send(new ReceiveMessageCommand({ QueueUrl: eq, WaitTimeSeconds: 0 }));
      assert.equal(got.Messages, undefined, 'the east queue of the same name got nothing');

      const et = (await east.sns.send(new CreateTopicCommand({ Name: 'alerts' }))).TopicArn;
      const wt = (await west.sns.send(new CreateTopicCommand({ Name: 'alerts' }))).TopicArn;
      assert.equal(et, `arn:aws:sns:${EAST}:000000000000:alerts`);
      assert.equal(wt, `arn:aws:sns:${WEST}:000000000000:alerts`);
      assert.deepEqual((await west.sns.send(new ListTopicsCommand({}))).Topics, [{ TopicArn: wt }]);
    });

    it("keeps functions and mappings apart; a mapping reads its own region and refuses another region's stream", async () => {
      const westFn = await createRecordingFunction(app, west.lambda, 'consumer');
      const eastFn = await createRecordingFunction(app, east.lambda, 'consumer');
      assert.equal(westFn.arn, `arn:aws:lambda:${WEST}:000000000000:function:consumer`);
      assert.equal(eastFn.arn, `arn:aws:lambda:${EAST}:000000000000:function:consumer`);
      const listed = await west.lambda.send(new ListFunctionsCommand({}));
      assert.deepEqual(
        listed.Functions?.map((f) => f.FunctionArn),
        [westFn.arn],
      );
      await assert.rejects(east.lambda.send(new GetFunctionCommand({ FunctionName: westFn.arn })), {
        name: 'ResourceNotFoundException',
      });

      const westStream = `arn:aws:kinesis:${WEST}:000000000000:stream/orders`;
      // AWS: the event source must be in the function's region.
      await assert.rejects(
        east.lambda.send(
          new CreateEventSourceMappingCommand({
            FunctionName: 'consumer',
            EventSourceArn: westStream,
            StartingPosition: 'TRIM_HORIZON',
          }),
        ),
        {
          name: 'InvalidParameterValueException',
          message: `Event source region must match Lambda region ${EAST}.`,
        },
      );
      const m = await west.lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: 'consumer',
          EventSourceArn: westStream,
          StartingPosition: 'TRIM_HORIZON',
          DestinationConfig: { OnFailure: { Destination: `arn:aws:sqs:${EAST}:000000000000:dlq` } },
        }),
      );
      assert.match(
        m.EventSourceMappingArn ?? '',
        new RegExp(`^arn:aws:lambda:${WEST}:000000000000:event-source-mapping:`),
      );
      assert.deepEqual(
        (await east.lambda.send(new ListEventSourceMappingsCommand({}))).EventSourceMappings,
        [],
      );

      await west.kinesis.send(
        new PutRecordCommand({ StreamName: 'orders', PartitionKey: 'k', Data: Buffer.from('w1') }),
      );
      await east.kinesis.send(
        new PutRecordCommand({ StreamName: 'orders', PartitionKey: 'k', Data: Buffer.from('e1') }),
      );
      await waitFor(() => westFn.datas().length > 0, 20_000, 'the west function to get the west record');
      assert.deepEqual(westFn.datas(), ['w1']);
      const record = westFn.invokes()[0]!.event.Records[0]!;
      assert.equal(record.awsRegion, WEST);
      assert.equal(record.eventSourceARN, westStream);
      assert.deepEqual(eastFn.datas(), [], 'the east function of the same name has no mapping');
    });

    it('acts in the default region for unsigned requests and refuses a scope naming no region', async () => {
      const listed = await unsigned(app, 'ListStreams', {});
      assert.equal(listed.status, 200);
      assert.deepEqual((JSON.parse(listed.body) as { StreamNames: string[] }).StreamNames, ['orders']);
      const bad = await unsigned(
        app,
        'ListStreams',
        {},
        'AWS4-HMAC-SHA256 Credential=test/20261207/moon/kinesis/aws4_request, SignedHeaders=host, Signature=00',
      );
      // As AWS answers a signature that does not match, in Kinesis's (JSON) family: 400.
      assert.equal(bad.status, 400);
      const body = JSON.parse(bad.body) as { __type: string; message: string };
      assert.equal(body.__type, 'InvalidSignatureException');
      assert.equal(body.message, "Credential should be scoped to a valid region, not 'moon'. ");
    });
  });
}

describe('between regions', () => {
  let app: App;
  let east: RegionClients;
  let west: RegionClients;
  withTestServer(
    {},
    (a) => ({ east: regionClients(a, EAST), west: regionClients(a, WEST) }),
    (a, made) => {
      app = a;
      ({ east, west } = made);
    },
  );

  it("delivers a west mapping's failed batch to its on-failure queue in another region", async () => {
    const dlq = (await east.sqs.send(new CreateQueueCommand({ QueueName: 'east-dlq' }))).QueueUrl!;
    await west.kinesis.send(new CreateStreamCommand({ StreamName: 'fails', ShardCount: 1 }));
    await createRecordingFunction(app, west.lambda, 'failing', { BEHAVIOUR: 'fail-all' });
    await west.lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'failing',
        EventSourceArn: `arn:aws:kinesis:${WEST}:000000000000:stream/fails`,
        StartingPosition: 'TRIM_HORIZON',
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: `arn:aws:sqs:${EAST}:000000000000:east-dlq` } },
      }),
    );
    await west.kinesis.send(
      new PutRecordCommand({ StreamName: 'fails', PartitionKey: 'k', Data: Buffer.from('poison') }),
    );
    const got = await east.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlq, WaitTimeSeconds: 20, MaxNumberOfMessages: 1 }),
    );
    const failure = JSON.parse(got.Messages?.[0]?.Body ?? '{}') as {
      requestContext?: { functionArn: string };
      KinesisBatchInfo?: { streamArn: string };
    };
    assert.equal(failure.requestContext?.functionArn, `arn:aws:lambda:${WEST}:000000000000:function:failing`);
    assert.equal(failure.KinesisBatchInfo?.streamArn, `arn:aws:kinesis:${WEST}:000000000000:stream/fails`);
  });

  it('delivers an SNS topic of one region to a queue of another', async () => {
    const url = (await east.sqs.send(new CreateQueueCommand({ QueueName: 'subscriber' }))).QueueUrl!;
    const topicArn = (await west.sns.send(new CreateTopicCommand({ Name: 'west-news' }))).TopicArn!;
    await west.sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: `arn:aws:sqs:${EAST}:000000000000:subscriber`,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    await west.sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'across regions' }));
    const got = await east.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    assert.deepEqual(
      got.Messages?.map((m) => m.Body),
      ['across regions'],
    );
  });

  it('delivers an SNS topic of one region to a function of another', async () => {
    const gate = await Gate.start();
    gate.open();
    try {
      // The function tells the gate what it got and where it runs.
      await createNodeFunction(
        east.lambda,
        'east-subscriber',
        `export const handler = async (e) => {
  const n = e.Records[0].Sns;
  const seen = { message: n.Message, topic: n.TopicArn, region: process.env.AWS_REGION };
  await fetch(process.env.GATE + '/' + encodeURIComponent(JSON.stringify(seen)));
};`,
        { Environment: { Variables: { GATE: gate.url } } },
      );
      const topicArn = (await west.sns.send(new CreateTopicCommand({ Name: 'west-calls' }))).TopicArn!;
      await west.sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'lambda',
          Endpoint: `arn:aws:lambda:${EAST}:000000000000:function:east-subscriber`,
        }),
      );
      await west.sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'to the east' }));
      await gate.reached(1);
      assert.deepEqual(JSON.parse(gate.arrived[0]!), {
        message: 'to the east',
        topic: topicArn,
        region: EAST,
      });
    } finally {
      await gate.close();
    }
  });

  it("keeps each region's metrics in its CloudWatch", async () => {
    await west.kinesis.send(new CreateStreamCommand({ StreamName: 'metered', ShardCount: 1 }));
    await west.kinesis.send(
      new PutRecordCommand({ StreamName: 'metered', PartitionKey: 'k', Data: Buffer.from('m') }),
    );
    const streamsWithMetrics = async (c: CloudWatchClient): Promise<string[]> => {
      const r = await c.send(
        new ListMetricsCommand({ Namespace: 'AWS/Kinesis', MetricName: 'IncomingRecords' }),
      );
      return (r.Metrics ?? []).flatMap((m) => m.Dimensions ?? []).map((d) => d.Value ?? '');
    };
    const westCw = new CloudWatchClient(clientConfig(app, 'default', { region: WEST }));
    const eastCw = new CloudWatchClient(clientConfig(app, 'default', { region: EAST }));
    try {
      assert.ok((await streamsWithMetrics(westCw)).includes('metered'));
      assert.ok(!(await streamsWithMetrics(eastCw)).includes('metered'));
    } finally {
      westCw.destroy();
      eastCw.destroy();
    }
  });
});

const exec = promisify(execFile);

/** boto3 in two regions: same-named streams and queues, each with its region in its ARN. */
const BOTO3_REGIONS = `
import boto3, json, os
def clients(region):
    kw = dict(endpoint_url=os.environ['ENDPOINT'], region_name=region)
    return boto3.client('kinesis', **kw), boto3.client('sqs', **kw)
nk, nq = clients('eu-north-1')
sk, sq = clients('sa-east-1')
nk.create_stream(StreamName='py', ShardCount=1)
nurl = nq.create_queue(QueueName='py')['QueueUrl']
surl = sq.create_queue(QueueName='py')['QueueUrl']
sk.create_stream(StreamName='py', ShardCount=2)
summary = lambda k: k.describe_stream_summary(StreamName='py')['StreamDescriptionSummary']
arn = lambda q, url: q.get_queue_attributes(QueueUrl=url, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
print(json.dumps({
  'north': [summary(nk)['StreamARN'], summary(nk)['OpenShardCount'], arn(nq, nurl)],
  'south': [summary(sk)['StreamARN'], summary(sk)['OpenShardCount'], arn(sq, surl)],
}))
`;

describe('regions with the AWS CLI and boto3', () => {
  let app: App;
  withServer((a) => (app = a), { region: 'eu-west-1' });

  it('--region picks the region; an unsigned request gets the server default', async () => {
    await awsCli(app, [
      '--region',
      'ap-south-1',
      'kinesis',
      'create-stream',
      '--stream-name',
      'cli',
      '--shard-count',
      '1',
    ]);
    const south = await awsCli(app, [
      '--region',
      'ap-south-1',
      'kinesis',
      'describe-stream-summary',
      '--stream-name',
      'cli',
    ]);
    assert.equal(
      (south.json as { StreamDescriptionSummary: { StreamARN: string } }).StreamDescriptionSummary.StreamARN,
      'arn:aws:kinesis:ap-south-1:000000000000:stream/cli',
    );
    const east = await awsCli(app, ['--region', EAST, 'kinesis', 'list-streams']);
    assert.deepEqual((east.json as { StreamNames: string[] }).StreamNames, []);
    await awsCli(app, [
      '--region',
      'eu-west-1',
      'kinesis',
      'create-stream',
      '--stream-name',
      'home',
      '--shard-count',
      '1',
    ]);
    const home = JSON.parse((await unsigned(app, 'ListStreams', {})).body) as { StreamNames: string[] };
    assert.deepEqual(home.StreamNames, ['home']);
  });
  it('boto3 clients of two regions see their own streams and queues', async () => {
    const { stdout } = await exec('python3', ['-c', BOTO3_REGIONS], {
      env: {
        ...process.env,
        ENDPOINT: app.endpoint,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      },
    });
    assert.deepEqual(JSON.parse(stdout), {
      north: [
        'arn:aws:kinesis:eu-north-1:000000000000:stream/py',
        1,
        'arn:aws:sqs:eu-north-1:000000000000:py',
      ],
      south: ['arn:aws:kinesis:sa-east-1:000000000000:stream/py', 2, 'arn:aws:sqs:sa-east-1:000000000000:py'],
    });
  });
});
