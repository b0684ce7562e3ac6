import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsCommand,
  ListTagsForResourceCommand,
  ListTopicsCommand,
  PublishCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import type { App } from '../../src/app/app.js';
import { withTestServer } from '../harness/helpers.js';
import { queueArnOf, snsClient, sqsClient, xml1 } from './sqs-sns-helpers.js';

const SQS_V = 'Version=2012-11-05';
const SNS_V = 'Version=2010-03-31';
const BIG = 'x'.repeat(5 * 1024 * 1024);
const INVALID_CHARACTERS =
  'the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].';

interface Answer {
  status: number;
  /** The error code: `__type` without its namespace (JSON), or `<Code>` (query). */
  code: string | undefined;
  message: string;
}

/**
 * Hostile and invalid requests to SQS and SNS, in both of their protocols: each is refused with a 4xx (never a
 * 500), its message stays short whatever it quotes, and it leaves nothing behind: no queue, topic,
 * subscription, tag, attribute or message it did not ask for in a way that succeeded.
 */
describe('SQS and SNS refuse hostile input and keep no partial state', () => {
  let app: App;
  let sqs: SQSClient;
  let sns: SNSClient;
  let queueUrl: string;
  let topicArn: string;

  withTestServer(
    {},
    (a) => ({ sqs: sqsClient(a), sns: snsClient(a) }),
    async (a, c) => {
      app = a;
      ({ sqs, sns } = c);
      queueUrl = (await json('CreateQueue', { QueueName: 'kept', tags: { team: 'core' } }))
        .QueueUrl as string;
      assert.ok(queueUrl);
      const created = await query(`Action=CreateTopic&${SNS_V}&Name=kept-topic`);
      topicArn = xml1(created.text, 'TopicArn')!;
      const sub = await query(
        `Action=Subscribe&${SNS_V}&TopicArn=${encodeURIComponent(topicArn)}&Protocol=sqs` +
          `&Endpoint=${encodeURIComponent(await queueArnOf(sqs, queueUrl))}` +
          '&Attributes.entry.1.key=RawMessageDelivery&Attributes.entry.1.value=true',
      );
      assert.equal(sub.status, 200, sub.text);
    },
  );

  async function json(target: string, body: unknown): Promise<Record<string, unknown>> {
    const res = await raw(target, JSON.stringify(body));
    assert.equal(res.status, 200, JSON.stringify(res));
    return JSON.parse(res.message || '{}') as Record<string, unknown>;
  }

  /** An AWS JSON 1.0 SQS request with a body given as is (bytes an SDK would never send). */
  async function raw(target: string, body: string | Buffer): Promise<Answer> {
    const res = await fetch(app.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${target}` },
      body,
    });
    const text = await res.text();
    if (res.status === 200) return { status: 200, code: undefined, message: text };
    const parsed = JSON.parse(text) as { __type: string; message: string };
    return { status: res.status, code: parsed.__type.replace(/^.*#/, ''), message: parsed.message };
  }

  /** A query-protocol request with a form body given as is (already encoded, possibly not UTF-8 once decoded). */
  async function query(body: string | Buffer): Promise<{ status: number; text: string }> {
    const res = await fetch(app.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    return { status: res.status, text: await res.text() };
  }

  async function queryError(body: string | Buffer): Promise<Answer> {
    const r = await query(body);
    return { status: r.status, code: xml1(r.text, 'Code'), message: xml1(r.text, 'Message') ?? '' };
  }

  /** Everything a rejected request could have changed. */
  async function snapshot(): Promise<unknown> {
    const urls = (await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [];
    const queues = await Promise.all(
      urls.map(async (QueueUrl) => ({
        QueueUrl,
        attributes: (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] })))
          .Attributes,
        tags: (await sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags,
      })),
    );
    const topicArns = ((await sns.send(new ListTopicsCommand({}))).Topics ?? []).map((t) => t.TopicArn!);
    const topics = await Promise.all(
      topicArns.map(async (TopicArn) => ({
        TopicArn,
        attributes: (await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes,
        tags: (await sns.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }))).Tags,
      })),
    );
    const subArns = ((await sns.send(new ListSubscriptionsCommand({}))).Subscriptions ?? []).map(
      (s) => s.SubscriptionArn!,
    );
    const subscriptions = await Promise.all(
      subArns.map(async (SubscriptionArn) => ({
        SubscriptionArn,
        attributes: (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes,
      })),
    );
    return { queues, topics, subscriptions };
  }

  /**
   * Sends `attempt` (which must be refused as `expected`) and checks that nothing changed: the snapshot is the
   * same, and no message reached the queue (a valid message sent afterwards is the only one received).
   */
  async function refusedWithoutTrace(
    attempt: () => Promise<Answer>,
    expected: { status?: number; code: string; message?: RegExp | string },
  ): Promise<void> {
    const before = await snapshot();
    const answer = await attempt();
    assert.equal(answer.status, expected.status ?? 400, JSON.stringify(answer).slice(0, 500));
    assert.equal(answer.code, expected.code, answer.message.slice(0, 500));
    if (typeof expected.message === 'string') assert.equal(answer.message, expected.message);
    else if (expected.message) assert.match(answer.message, expected.message);
    assert.ok(answer.message.length < 5000, `a short message, not ${answer.message.length} characters`);
    assert.deepEqual(await snapshot(), before);
    // The queue holds no message from the attempt: a marker sent now is the only one there.
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'marker' }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    assert.deepEqual(
      got.Messages?.map((m) => m.Body),
      ['marker'],
    );
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: got.Messages![0]!.ReceiptHandle }),
    );
  }

  const sqsJson = (target: string, body: string | Buffer) => () => raw(target, body);
  const bytes = (...parts: Array<string | number[]>): Buffer =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

  it('SQS JSON: a body that is not UTF-8 is a SerializationException, not a message with U+FFFD', async () => {
    await refusedWithoutTrace(
      sqsJson('SendMessage', bytes(`{"QueueUrl":"${queueUrl}","MessageBody":"`, [0xc3, 0x28], '"}')),
      { code: 'SerializationException', message: 'The request body is not valid UTF-8.' },
    );
    await refusedWithoutTrace(sqsJson('CreateQueue', bytes('{"QueueName":"q', [0xff], '"}')), {
      code: 'SerializationException',
    });
  });

  it('SQS JSON: an unpaired surrogate in a MessageBody is InvalidMessageContents, with AWS message', async () => {
    await refusedWithoutTrace(
      sqsJson('SendMessage', `{"QueueUrl":"${queueUrl}","MessageBody":"a\\ud800b"}`),
      {
        code: 'InvalidMessageContents',
        message: `Invalid binary character '#xD800' was found in the message body, ${INVALID_CHARACTERS}`,
      },
    );
    await refusedWithoutTrace(
      sqsJson('SendMessage', JSON.stringify({ QueueUrl: queueUrl, MessageBody: 'bell\u0007' })),
      { code: 'InvalidMessageContents', message: /'#x7' was found in the message body/ },
    );
    // Anywhere else it is a SerializationException (no UTF-8 can store it).
    await refusedWithoutTrace(sqsJson('CreateQueue', '{"QueueName":"q","tags":{"k":"\\udc00"}}'), {
      code: 'SerializationException',
      message: 'Invalid character #xDC00 (an unpaired surrogate) in tags.k.',
    });
  });

  it('SQS JSON: a batch entry with an unpaired surrogate fails alone, as AWS reports it', async () => {
    const before = await snapshot();
    const out = await json('SendMessageBatch', {
      QueueUrl: queueUrl,
      Entries: [
        { Id: 'good', MessageBody: 'fine' },
        { Id: 'bad', MessageBody: 'x\ud800' },
      ],
    });
    assert.deepEqual(
      (out.Successful as Array<{ Id: string }>).map((s) => s.Id),
      ['good'],
    );
    assert.deepEqual(
      (out.Failed as Array<{ Id: string; Code: string; SenderFault: boolean }>).map((f) => [
        f.Id,
        f.Code,
        f.SenderFault,
      ]),
      [['bad', 'InvalidMessageContents', true]],
    );
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    assert.deepEqual(
      got.Messages?.map((m) => m.Body),
      ['fine'],
    );
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: got.Messages![0]!.ReceiptHandle }),
    );
    assert.deepEqual(await snapshot(), before);
  });

  it('SQS JSON: 100k-deep JSON is a 400 SerializationException, not a 500', async () => {
    const deepObject = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    for (const member of ['MessageBody', 'DelaySeconds', 'QueueUrl', 'MessageAttributes']) {
      await refusedWithoutTrace(
        sqsJson('SendMessage', `{"QueueUrl":"${queueUrl}","MessageBody":"x","${member}":${deepObject}}`),
        { code: 'SerializationException', message: 'The request body nests deeper than 1000 levels.' },
      );
    }
    await refusedWithoutTrace(sqsJson('ListQueues', '['.repeat(100_000) + ']'.repeat(100_000)), {
      code: 'SerializationException',
    });
  });

  it('SQS JSON: a 5 MB value is cut in the message that quotes it', async () => {
    await refusedWithoutTrace(
      sqsJson('SendMessage', JSON.stringify({ QueueUrl: queueUrl, MessageBody: 'x', DelaySeconds: BIG })),
      {
        code: 'InvalidParameterValueException',
        message: /^Value x{4608}\.\.\. for parameter DelaySeconds is invalid/,
      },
    );
    await refusedWithoutTrace(
      sqsJson('SendMessage', JSON.stringify({ QueueUrl: queueUrl, MessageBody: 'x', DelaySeconds: [BIG] })),
      {
        code: 'InvalidParameterValueException',
        message: /^Value \["x{4606}\.\.\. for parameter DelaySeconds/,
      },
    );
  });

  it('SQS JSON: requests that fail validation create, tag and change nothing', async () => {
    for (const [target, body, code] of [
      [
        'CreateQueue',
        { QueueName: 'half', Attributes: { VisibilityTimeout: 'abc' } },
        'InvalidAttributeValue',
      ],
      [
        'CreateQueue',
        { QueueName: 'half', Attributes: { DelaySeconds: '5', Nope: '1' } },
        'InvalidAttributeName',
      ],
      [
        'CreateQueue',
        { QueueName: 'half', tags: { ['k'.repeat(129)]: 'v' } },
        'InvalidParameterValueException',
      ],
      ['CreateQueue', { QueueName: 'half.fifo', Attributes: { FifoQueue: 'true' } }, 'UnsupportedOperation'],
      [
        'SetQueueAttributes',
        { QueueUrl: queueUrl, Attributes: { DelaySeconds: '5', MaximumMessageSize: '1' } },
        'InvalidAttributeValue',
      ],
      [
        'TagQueue',
        { QueueUrl: queueUrl, Tags: { good: 'v', ['k'.repeat(129)]: 'v' } },
        'InvalidParameterValueException',
      ],
      [
        'SendMessageBatch',
        {
          QueueUrl: queueUrl,
          Entries: [
            { Id: 'a', MessageBody: 'x'.repeat(600_000) },
            { Id: 'b', MessageBody: 'x'.repeat(600_000) },
          ],
        },
        'BatchRequestTooLong',
      ],
      [
        'SendMessageBatch',
        {
          QueueUrl: queueUrl,
          Entries: [
            { Id: 'a', MessageBody: 'x' },
            { Id: 'a', MessageBody: 'y' },
          ],
        },
        'BatchEntryIdsNotDistinct',
      ],
      [
        'SendMessage',
        {
          QueueUrl: queueUrl,
          MessageBody: 'x',
          MessageAttributes: { n: { DataType: 'Number', StringValue: 'abc' } },
        },
        'InvalidParameterValueException',
      ],
    ] as const) {
      await refusedWithoutTrace(sqsJson(target, JSON.stringify(body)), { code });
    }
  });

  it('SQS query: parameters that are not UTF-8 are refused, never stored as U+FFFD', async () => {
    const q = encodeURIComponent(queueUrl);
    await refusedWithoutTrace(
      () => queryError(`Action=SendMessage&${SQS_V}&QueueUrl=${q}&MessageBody=%ED%A0%80`),
      {
        code: 'InvalidMessageContents',
        message: `Invalid binary character '#xED' was found in the message body, ${INVALID_CHARACTERS}`,
      },
    );
    await refusedWithoutTrace(
      () =>
        queryError(
          `Action=SendMessageBatch&${SQS_V}&QueueUrl=${q}` +
            '&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=ok' +
            '&SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=%C3%28',
        ),
      { code: 'InvalidMessageContents' },
    );
    await refusedWithoutTrace(() => queryError(`Action=CreateQueue&${SQS_V}&QueueName=q%C3%28`), {
      code: 'MalformedQueryString',
      message: 'The query string is not valid UTF-8 in parameter QueueName (byte #xC3).',
    });
    // Raw bytes in the form body, not even percent-encoded.
    await refusedWithoutTrace(
      () => queryError(bytes(`Action=CreateQueue&${SQS_V}&QueueName=q`, [0xc3, 0x28])),
      { code: 'MalformedQueryString', message: 'The query string is not valid UTF-8 in the request body.' },
    );
    // A malformed escape is kept as is (as URLSearchParams reads it): that is a name SQS refuses, not a crash.
    await refusedWithoutTrace(() => queryError(`Action=CreateQueue&${SQS_V}&QueueName=q%zz`), {
      code: 'InvalidParameterValue',
    });
  });

  it('SNS: parameters that are not UTF-8 are refused and nothing is delivered', async () => {
    const t = encodeURIComponent(topicArn);
    await refusedWithoutTrace(() => queryError(`Action=Publish&${SNS_V}&TopicArn=${t}&Message=a%C3%28b`), {
      code: 'MalformedQueryString',
      message: 'The query string is not valid UTF-8 in parameter Message (byte #xC3).',
    });
    await refusedWithoutTrace(() => queryError(`Action=CreateTopic&${SNS_V}&Name=t%FF`), {
      code: 'MalformedQueryString',
    });
    // The same in a GET's query string (the form UnsubscribeURL uses).
    await refusedWithoutTrace(
      async () => {
        const res = await fetch(`${app.endpoint}/?Action=CreateTopic&${SNS_V}&Name=t%C3%28`);
        const text = await res.text();
        return { status: res.status, code: xml1(text, 'Code'), message: xml1(text, 'Message') ?? '' };
      },
      {
        code: 'MalformedQueryString',
        message: 'The query string is not valid UTF-8 in parameter Name (byte #xC3).',
      },
    );
  });

  it('SNS: requests that fail validation create, subscribe, tag and change nothing', async () => {
    const t = encodeURIComponent(topicArn);
    const queueArn = encodeURIComponent(await queueArnOf(sqs, queueUrl));
    const deepPolicy = encodeURIComponent('{"a":'.repeat(100_000) + '["x"]' + '}'.repeat(100_000));
    for (const [body, code] of [
      [
        `Action=CreateTopic&${SNS_V}&Name=half&Attributes.entry.1.key=Nope&Attributes.entry.1.value=1`,
        'InvalidParameter',
      ],
      [
        `Action=CreateTopic&${SNS_V}&Name=half&Tags.member.1.Key=${'k'.repeat(129)}&Tags.member.1.Value=v`,
        'InvalidParameter',
      ],
      [
        `Action=Subscribe&${SNS_V}&TopicArn=${t}&Protocol=sqs&Endpoint=${queueArn}` +
          `&Attributes.entry.1.key=FilterPolicy&Attributes.entry.1.value=${deepPolicy}`,
        'InvalidParameter',
      ],
      [
        `Action=Subscribe&${SNS_V}&TopicArn=${t}&Protocol=sqs&Endpoint=${queueArn}` +
          '&Attributes.entry.1.key=RawMessageDelivery&Attributes.entry.1.value=maybe',
        'InvalidParameter',
      ],
      [
        `Action=SetTopicAttributes&${SNS_V}&TopicArn=${t}&AttributeName=Nope&AttributeValue=1`,
        'InvalidParameter',
      ],
      [
        `Action=TagResource&${SNS_V}&ResourceArn=${t}&Tags.member.1.Key=good&Tags.member.1.Value=v` +
          `&Tags.member.2.Key=${'k'.repeat(129)}&Tags.member.2.Value=v`,
        'InvalidParameter',
      ],
      [
        `Action=PublishBatch&${SNS_V}&TopicArn=${t}` +
          '&PublishBatchRequestEntries.member.1.Id=a&PublishBatchRequestEntries.member.1.Message=one' +
          '&PublishBatchRequestEntries.member.2.Id=a&PublishBatchRequestEntries.member.2.Message=two',
        'BatchEntryIdsNotDistinct',
      ],
      [`Action=Publish&${SNS_V}&TopicArn=${t}&Message=m&Subject=${BIG}`, 'InvalidParameter'],
    ] as const) {
      await refusedWithoutTrace(() => queryError(body), { code });
    }
    // The SDK sees the same (a Publish that is refused delivers nothing).
    await assert.rejects(
      sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'm', Subject: 'line\nbreak' })),
      { name: 'InvalidParameterException' },
    );
  });
});
