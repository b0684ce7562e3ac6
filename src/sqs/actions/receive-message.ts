import { operation } from '../../server/operations.js';
import { integer, list, map, string, structure } from '../../server/shapes.js';
import { messageAttributes, selectAttributes } from '../message-attributes.js';
import { md5OfAttributes } from '../md5.js';
import type { MessageAttributes } from '../model.js';
import { effectiveInt } from '../queue-attributes.js';
import type { Received } from '../queue.js';
import { QUEUE_URL, type SqsContext } from '../sqs-action.js';
import { ATTRIBUTE_NAMES } from './get-queue-attributes.js';

export interface OutMessage {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes?: Record<string, string>;
  MD5OfMessageAttributes?: string;
  MessageAttributes?: MessageAttributes;
}

const SYSTEM_ATTRIBUTES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
] as const;

function systemAttributes(r: Received, wanted: readonly string[]): Record<string, string> | undefined {
  if (wanted.length === 0) return undefined;
  const all = wanted.includes('All');
  const m = r.message;
  const values: Record<(typeof SYSTEM_ATTRIBUTES)[number], string | undefined> = {
    SenderId: m.stored.senderId,
    SentTimestamp: String(m.stored.sentAt),
    ApproximateReceiveCount: String(m.recv?.receiveCount ?? 0),
    ApproximateFirstReceiveTimestamp: String(m.recv?.firstReceiveAt ?? m.stored.sentAt),
    AWSTraceHeader: m.stored.systemAttributes?.AWSTraceHeader?.StringValue,
    DeadLetterQueueSourceArn: m.stored.deadLetterSourceArn,
  };
  const out: Record<string, string> = {};
  for (const name of SYSTEM_ATTRIBUTES) {
    const v = values[name];
    if (v !== undefined && (all || wanted.includes(name))) out[name] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function render(r: Received, systemNames: readonly string[], attributeNames: readonly string[]): OutMessage {
  const s = r.message.stored;
  const out: OutMessage = {
    MessageId: s.id,
    ReceiptHandle: r.receiptHandle,
    MD5OfBody: s.md5OfBody,
    Body: s.body,
  };
  const sys = systemAttributes(r, systemNames);
  if (sys) out.Attributes = sys;
  const attrs = selectAttributes(s.attributes, attributeNames);
  if (attrs) {
    // The digest covers the attributes returned, which is what SDKs verify it against.
    out.MD5OfMessageAttributes =
      Object.keys(attrs).length === Object.keys(s.attributes ?? {}).length
        ? s.md5OfAttributes
        : md5OfAttributes(attrs);
    out.MessageAttributes = attrs;
  }
  return out;
}

const names = (memberName: string) => list(string(), { flattened: true, memberName });

/** A received message as the query protocol writes it (`<Message>` elements). */
const MESSAGE_OUT = structure({
  MessageId: string(),
  ReceiptHandle: string(),
  MD5OfBody: string(),
  Body: string(),
  Attributes: map(string(), { flattened: true, name: 'Attribute', keyName: 'Name', valueName: 'Value' }),
  MD5OfMessageAttributes: string(),
  MessageAttributes: messageAttributes('MessageAttribute'),
});

export const receiveMessage = operation({
  input: structure({
    QueueUrl: QUEUE_URL,
    MaxNumberOfMessages: integer({ min: 1, max: 10, reason: 'Must be between 1 and 10, if provided.' }),
    VisibilityTimeout: integer({ min: 0, max: 43200, reason: 'Must be >= 0 and <= 43200, if provided.' }),
    WaitTimeSeconds: integer({ min: 0, max: 20, reason: 'Must be >= 0 and <= 20, if provided.' }),
    AttributeNames: ATTRIBUTE_NAMES,
    MessageSystemAttributeNames: names('MessageSystemAttributeName'),
    MessageAttributeNames: names('MessageAttributeName'),
  }),
  output: structure({ Messages: list(MESSAGE_OUT, { flattened: true, memberName: 'Message' }) }),
  async run(sqs: SqsContext, input, call) {
    const q = sqs.queues.byUrl(input.QueueUrl);
    const max = input.MaxNumberOfMessages ?? 1;
    const visibility = input.VisibilityTimeout ?? effectiveInt(q.meta.attributes, 'VisibilityTimeout');
    const wait = input.WaitTimeSeconds ?? effectiveInt(q.meta.attributes, 'ReceiveMessageWaitTimeSeconds');
    const systemNames = [...(input.AttributeNames ?? []), ...(input.MessageSystemAttributeNames ?? [])];
    const attributeNames = input.MessageAttributeNames ?? [];
    const deadline = Date.now() + wait * 1000;
    for (;;) {
      // A queue deleted while we waited answers like an empty one.
      if (q.lifecycle !== 'active') return {};
      const got = q.take(max, visibility * 1000);
      if (got.length > 0) {
        await q.persistReceives(got);
        return { Messages: got.map((r) => render(r, systemNames, attributeNames)) };
      }
      const why = await q.waiters.wait(deadline, call.signal);
      if (why !== 'notified') return {};
    }
  },
});
