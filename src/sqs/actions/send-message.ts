import { el, opt } from '../../server/protocols/query.js';
import { attributesFromQuery } from '../message-attributes.js';
import { buildMessage } from '../messages.js';
import type { StoredMessage } from '../model.js';
import type { QueryParams } from '../../server/protocols/query.js';
import type { Input } from '../params.js';
import { defineAction, scalars, targetQueue } from '../sqs-action.js';

export interface SendResult {
  MessageId: string;
  MD5OfMessageBody: string;
  MD5OfMessageAttributes?: string;
  MD5OfMessageSystemAttributes?: string;
}

export function sendResult(m: StoredMessage): SendResult {
  const out: SendResult = { MessageId: m.id, MD5OfMessageBody: m.md5OfBody };
  if (m.md5OfAttributes) out.MD5OfMessageAttributes = m.md5OfAttributes;
  if (m.md5OfSystemAttributes) out.MD5OfMessageSystemAttributes = m.md5OfSystemAttributes;
  return out;
}

/** Query parameters of one message (SendMessage, or one SendMessageBatchRequestEntry). */
export function messageFromQuery(p: QueryParams): Input {
  return {
    ...scalars(p, ['Id', 'MessageBody', 'DelaySeconds', 'MessageGroupId', 'MessageDeduplicationId']),
    MessageAttributes: attributesFromQuery(p, 'MessageAttribute'),
    MessageSystemAttributes: attributesFromQuery(p, 'MessageSystemAttribute'),
  };
}

export const sendMessage = defineAction({
  async run(sqs, input, call) {
    const q = targetQueue(sqs, input);
    const m = buildMessage(q, input, call.senderId);
    await sqs.queues.send(q, [m]);
    return sendResult(m);
  },
  fromQuery: (p) => ({ ...scalars(p, ['QueueUrl']), ...messageFromQuery(p) }),
  toXml: (out) => [
    el('MD5OfMessageBody', out.MD5OfMessageBody),
    opt('MD5OfMessageAttributes', out.MD5OfMessageAttributes),
    opt('MD5OfMessageSystemAttributes', out.MD5OfMessageSystemAttributes),
    el('MessageId', out.MessageId),
  ],
});
