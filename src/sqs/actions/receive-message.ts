import { el, opt } from '../../server/protocols/query.js';
import { attributesToXml, selectAttributes } from '../message-attributes.js';
import { md5OfAttributes } from '../md5.js';
import type { MessageAttributes } from '../model.js';
import { optInt, optStringList } from '../params.js';
import { effectiveInt } from '../queue-attributes.js';
import type { Received } from '../queue.js';
import { defineAction, scalars, targetQueue } from '../sqs-action.js';

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

export const receiveMessage = defineAction({
  async run(sqs, input, call) {
    const q = targetQueue(sqs, input);
    const max = optInt(input, 'MaxNumberOfMessages', 1, 10, 'Must be between 1 and 10, if provided.') ?? 1;
    const visibility =
      optInt(input, 'VisibilityTimeout', 0, 43200, 'Must be >= 0 and <= 43200, if provided.') ??
      effectiveInt(q.meta.attributes, 'VisibilityTimeout');
    const wait =
      optInt(input, 'WaitTimeSeconds', 0, 20, 'Must be >= 0 and <= 20, if provided.') ??
      effectiveInt(q.meta.attributes, 'ReceiveMessageWaitTimeSeconds');
    const systemNames = [
      ...(optStringList(input, 'AttributeNames') ?? []),
      ...(optStringList(input, 'MessageSystemAttributeNames') ?? []),
    ];
    const attributeNames = optStringList(input, 'MessageAttributeNames') ?? [];
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
  fromQuery: (p) => ({
    ...scalars(p, [
      'QueueUrl',
      'MaxNumberOfMessages',
      'VisibilityTimeout',
      'WaitTimeSeconds',
      'ReceiveRequestAttemptId',
    ]),
    AttributeNames: p.values('AttributeName'),
    MessageSystemAttributeNames: p.values('MessageSystemAttributeName'),
    MessageAttributeNames: p.values('MessageAttributeName'),
  }),
  toXml: (out: { Messages?: OutMessage[] }) =>
    (out.Messages ?? []).map((m) =>
      el(
        'Message',
        el('MessageId', m.MessageId),
        el('ReceiptHandle', m.ReceiptHandle),
        el('MD5OfBody', m.MD5OfBody),
        el('Body', m.Body),
        Object.entries(m.Attributes ?? {}).map(([k, v]) => el('Attribute', el('Name', k), el('Value', v))),
        opt('MD5OfMessageAttributes', m.MD5OfMessageAttributes),
        attributesToXml('MessageAttribute', m.MessageAttributes),
      ),
    ),
});
