import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { App } from '../../src/app/app.js';
import type { ApiRequest } from '../../src/server/http-types.js';
import { waitFor, withServer } from '../harness/helpers.js';
import { queryPost, xml1, xmlAll } from './sqs-sns-helpers.js';
import { hooks } from '../harness/hooks.js';

const V = { Version: '2012-11-05' };

/**
 * The query protocol (form-encoded `Action=...&Version=2012-11-05`, XML answers) that the AWS CLI
 * before v2.10, boto3 before the JSON switch and the Java/JS v2 SDKs speak. The installed CLI and
 * boto3 use JSON for SQS, so these requests are built by hand exactly as those clients build them.
 */
describe('SQS over the query protocol', () => {
  let app: App;
  let queueUrl: string;
  let queuePath: string;
  withServer((a) => (app = a));

  it('creates a queue with attributes and answers in XML', async () => {
    const r = await queryPost(app, {
      Action: 'CreateQueue',
      ...V,
      QueueName: 'legacy',
      'Attribute.1.Name': 'VisibilityTimeout',
      'Attribute.1.Value': '40',
      'Tag.1.Key': 'team',
      'Tag.1.Value': 'core',
    });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type') ?? '', /xml/);
    assert.match(
      r.text,
      /^<\?xml version="1.0"\?><CreateQueueResponse xmlns="http:\/\/queue.amazonaws.com\/doc\/2012-11-05\/"><CreateQueueResult>/,
    );
    queueUrl = xml1(r.text, 'QueueUrl')!;
    assert.equal(queueUrl, `${app.endpoint}/000000000000/legacy`);
    queuePath = new URL(queueUrl).pathname;
    assert.match(xml1(r.text, 'RequestId')!, /^[0-9a-f-]{36}$/);
    const attrs = await queryPost(app, {
      Action: 'GetQueueAttributes',
      ...V,
      QueueUrl: queueUrl,
      'AttributeName.1': 'All',
    });
    const names = xmlAll(attrs.text, 'Name');
    const values = xmlAll(attrs.text, 'Value');
    const map = Object.fromEntries(names.map((n, i) => [n, values[i]]));
    assert.equal(map.VisibilityTimeout, '40');
    assert.equal(map.QueueArn, 'arn:aws:sqs:us-east-1:000000000000:legacy');
    const tags = await queryPost(app, { Action: 'ListQueueTags', ...V, QueueUrl: queueUrl });
    assert.deepEqual([xml1(tags.text, 'Key'), xml1(tags.text, 'Value')], ['team', 'core']);
  });

  it('sends to the queue URL path without a QueueUrl parameter, with attribute MD5s', async () => {
    const r = await queryPost(
      app,
      {
        Action: 'SendMessage',
        ...V,
        MessageBody: 'This is a test',
        'MessageAttribute.1.Name': 'Count',
        'MessageAttribute.1.Value.DataType': 'Number',
        'MessageAttribute.1.Value.StringValue': '1',
        'MessageAttribute.2.Name': 'Foo',
        'MessageAttribute.2.Value.DataType': 'String',
        'MessageAttribute.2.Value.StringValue': 'Bar',
      },
      queuePath,
    );
    assert.equal(r.status, 200, r.text);
    assert.equal(xml1(r.text, 'MD5OfMessageBody'), 'ce114e4501d2f4e2dcea3e17b546f339');
    assert.equal(xml1(r.text, 'MD5OfMessageAttributes'), '324758f82d026ac6ec5b31a3b192d1e3');
    assert.match(xml1(r.text, 'MessageId')!, /^[0-9a-f-]{36}$/);
  });

  it('receives messages as flattened XML with system and message attributes, then deletes them', async () => {
    const tricky = 'a<b>&"\'\r\nend ✓';
    await queryPost(app, { Action: 'SendMessage', ...V, QueueUrl: queueUrl, MessageBody: tricky });
    const r = await queryPost(app, {
      Action: 'ReceiveMessage',
      ...V,
      QueueUrl: queueUrl,
      MaxNumberOfMessages: '10',
      'AttributeName.1': 'All',
      'MessageAttributeName.1': 'All',
    });
    assert.equal(r.status, 200, r.text);
    const messages = xmlAll(r.text, 'Message');
    assert.equal(messages.length, 2);
    const bodies = xmlAll(r.text, 'Body');
    assert.deepEqual(bodies, ['This is a test', tricky], 'bodies survive XML escaping byte for byte');
    assert.equal(xmlAll(r.text, 'MD5OfBody')[1], createHash('md5').update(tricky).digest('hex'));
    assert.equal(xml1(r.text, 'MD5OfMessageAttributes'), '324758f82d026ac6ec5b31a3b192d1e3');
    assert.match(r.text, /<Attribute><Name>ApproximateReceiveCount<\/Name><Value>1<\/Value><\/Attribute>/);
    assert.match(
      r.text,
      /<MessageAttribute><Name>Count<\/Name><Value><StringValue>1<\/StringValue><DataType>Number<\/DataType><\/Value><\/MessageAttribute>/,
    );
    const handles = xmlAll(r.text, 'ReceiptHandle');
    const del = await queryPost(app, {
      Action: 'DeleteMessage',
      ...V,
      QueueUrl: queueUrl,
      ReceiptHandle: handles[0]!,
    });
    assert.equal(del.status, 200);
    assert.match(
      del.text,
      /<DeleteMessageResponse xmlns="[^"]+"><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/DeleteMessageResponse>$/,
    );
    const batch = await queryPost(app, {
      Action: 'DeleteMessageBatch',
      ...V,
      QueueUrl: queueUrl,
      'DeleteMessageBatchRequestEntry.1.Id': 'ok',
      'DeleteMessageBatchRequestEntry.1.ReceiptHandle': handles[1]!,
      'DeleteMessageBatchRequestEntry.2.Id': 'bad',
      'DeleteMessageBatchRequestEntry.2.ReceiptHandle': 'nope',
    });
    assert.match(batch.text, /<DeleteMessageBatchResultEntry><Id>ok<\/Id><\/DeleteMessageBatchResultEntry>/);
    assert.match(
      batch.text,
      /<BatchResultErrorEntry><Id>bad<\/Id><SenderFault>true<\/SenderFault><Code>ReceiptHandleIsInvalid<\/Code>/,
    );
    const count = await queryPost(app, {
      Action: 'GetQueueAttributes',
      ...V,
      QueueUrl: queueUrl,
      'AttributeName.1': 'ApproximateNumberOfMessages',
      'AttributeName.2': 'ApproximateNumberOfMessagesNotVisible',
    });
    assert.deepEqual(xmlAll(count.text, 'Value'), ['0', '0']);
  });

  it('sends batches and lists queues', async () => {
    const r = await queryPost(app, {
      Action: 'SendMessageBatch',
      ...V,
      QueueUrl: queueUrl,
      'SendMessageBatchRequestEntry.1.Id': 'one',
      'SendMessageBatchRequestEntry.1.MessageBody': 'first',
      'SendMessageBatchRequestEntry.2.Id': 'two',
      'SendMessageBatchRequestEntry.2.MessageBody': 'second',
      'SendMessageBatchRequestEntry.2.MessageAttribute.1.Name': 'k',
      'SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType': 'String',
      'SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue': 'v',
      'SendMessageBatchRequestEntry.3.Id': 'three',
      'SendMessageBatchRequestEntry.3.MessageBody': '',
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(xmlAll(r.text, 'Id'), ['one', 'two', 'three']);
    assert.equal(xmlAll(r.text, 'SendMessageBatchResultEntry').length, 2);
    assert.equal(xmlAll(r.text, 'MD5OfMessageAttributes').length, 1);
    assert.equal(xml1(xml1(r.text, 'BatchResultErrorEntry')!, 'Code'), 'MissingParameter');
    await queryPost(app, { Action: 'CreateQueue', ...V, QueueName: 'legacy-2' });
    const list = await queryPost(app, { Action: 'ListQueues', ...V, QueueNamePrefix: 'legacy' });
    assert.deepEqual(xmlAll(list.text, 'QueueUrl'), [queueUrl, `${queueUrl}-2`]);
  });

  it('long-polls over the query protocol and wakes on a send', async () => {
    await queryPost(app, { Action: 'PurgeQueue', ...V, QueueUrl: queueUrl });
    const poll = queryPost(app, {
      Action: 'ReceiveMessage',
      ...V,
      QueueUrl: queueUrl,
      WaitTimeSeconds: '20',
    });
    await waitFor(
      () => hooks(app).sqs.queues.byName('legacy')?.waiters.size === 1,
      5000,
      'a waiting receive',
    );
    const t0 = Date.now();
    await queryPost(app, { Action: 'SendMessage', ...V, QueueUrl: queueUrl, MessageBody: 'woken' });
    const r = await poll;
    // The body in the answer proves the send woke the poll (one not woken answers empty at its deadline);
    // the bound only says "long before the 20 s wait", generous for a loaded machine.
    assert.equal(xml1(r.text, 'Body'), 'woken');
    assert.ok(Date.now() - t0 < 10_000);
  });

  it('answers errors as query-protocol XML with the SQS codes', async () => {
    const missing = await queryPost(app, { Action: 'GetQueueUrl', ...V, QueueName: 'nope' });
    assert.equal(missing.status, 400);
    assert.equal(xml1(missing.text, 'Code'), 'AWS.SimpleQueueService.NonExistentQueue');
    assert.equal(xml1(missing.text, 'Type'), 'Sender');
    assert.equal(xml1(missing.text, 'Message'), 'The specified queue does not exist.');
    const badHandle = await queryPost(app, {
      Action: 'DeleteMessage',
      ...V,
      QueueUrl: queueUrl,
      ReceiptHandle: 'zzz',
    });
    assert.equal(badHandle.status, 404);
    assert.equal(xml1(badHandle.text, 'Code'), 'ReceiptHandleIsInvalid');
    const badMax = await queryPost(app, {
      Action: 'ReceiveMessage',
      ...V,
      QueueUrl: queueUrl,
      MaxNumberOfMessages: '0',
    });
    assert.equal(xml1(badMax.text, 'Code'), 'InvalidParameterValue');
    assert.equal(
      xml1(badMax.text, 'Message'),
      'Value 0 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
    );
    const notNumber = await queryPost(app, {
      Action: 'ReceiveMessage',
      ...V,
      QueueUrl: queueUrl,
      WaitTimeSeconds: 'soon',
    });
    assert.equal(xml1(notNumber.text, 'Code'), 'InvalidParameterValue');
    const exists = await queryPost(app, {
      Action: 'CreateQueue',
      ...V,
      QueueName: 'legacy',
      'Attribute.1.Name': 'VisibilityTimeout',
      'Attribute.1.Value': '41',
    });
    assert.equal(xml1(exists.text, 'Code'), 'QueueAlreadyExists');
    const unknown = await queryPost(app, { Action: 'AddPermission', ...V, QueueUrl: queueUrl });
    assert.equal(unknown.status, 400);
    assert.equal(xml1(unknown.text, 'Code'), 'InvalidAction');
    const badUrl = await queryPost(app, {
      Action: 'SendMessage',
      ...V,
      QueueUrl: 'http://x/not-a-queue-url',
      MessageBody: 'x',
    });
    assert.equal(xml1(badUrl.text, 'Code'), 'InvalidAddress');
  });

  it('claims only its own Version and actions (CloudWatch and SNS query requests are left alone)', () => {
    const req = (params: Record<string, string>, method = 'POST'): ApiRequest => ({
      method,
      path: '/',
      query: new URLSearchParams(method === 'GET' ? params : {}),
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: Buffer.from(method === 'POST' ? new URLSearchParams(params).toString() : ''),
      httpVersion: '1.1',
      signal: new AbortController().signal,
      host: 'localhost',
      requestId: 'r',
    });
    const sqsQuery = hooks(app).sqs.services.find((s) => s.name === 'sqs-query')!;
    const sns = hooks(app).sns.services[0]!;
    const cases: Array<[Record<string, string>, boolean, boolean]> = [
      [{ Action: 'SendMessage', Version: '2012-11-05' }, true, false],
      [{ Action: 'SendMessage' }, true, false],
      [{ Action: 'Bogus', Version: '2012-11-05' }, true, false],
      [{ Action: 'PutMetricData', Version: '2010-08-01' }, false, false],
      [{ Action: 'ListMetrics' }, false, false],
      [{ Action: 'SendMessage', Version: '2010-08-01' }, false, false],
      [{ Action: 'Publish', Version: '2010-03-31' }, false, true],
      [{ Action: 'CreateTopic' }, false, true],
      [{ Version: '2012-11-05' }, true, false],
    ];
    for (const [params, forSqs, forSns] of cases) {
      assert.equal(sqsQuery.matches(req(params)), forSqs, `SQS for ${JSON.stringify(params)}`);
      assert.equal(sns.matches(req(params)), forSns, `SNS for ${JSON.stringify(params)}`);
    }
    const json: ApiRequest = {
      ...req({}),
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' },
      body: Buffer.from('{}'),
    };
    assert.equal(sqsQuery.matches(json), false);
    assert.equal(sns.matches(json), false);
    assert.equal(
      sns.matches(req({ Action: 'Unsubscribe', SubscriptionArn: 'x' }, 'GET')),
      true,
      'UnsubscribeURL is a GET',
    );
  });
});
