import { operation } from '../../server/operations.js';
import { string, structure } from '../../server/shapes.js';
import { buildMessage, MESSAGE } from '../messages.js';
import type { StoredMessage } from '../model.js';
import { QUEUE_URL, senderOf, type SqsContext } from '../sqs-action.js';

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

export const sendMessage = operation({
  input: structure({ QueueUrl: QUEUE_URL, ...MESSAGE.members }),
  output: structure({
    MD5OfMessageBody: string(),
    MD5OfMessageAttributes: string(),
    MD5OfMessageSystemAttributes: string(),
    MessageId: string(),
  }),
  async run(sqs: SqsContext, input, call) {
    const q = sqs.queues.byUrl(input.QueueUrl);
    const m = buildMessage(q, input, senderOf(call, sqs));
    await sqs.queues.send(q, [m]);
    return sendResult(m);
  },
});
