import { randomUUID } from 'node:crypto';
import { xmlCharRef } from '../server/protocols/input-text.js';
import { integer, required, string, structure, unchecked, type Infer } from '../server/shapes.js';
import { invalidMessageContents, invalidValue, sqsError } from './errors.js';
import { md5Hex, md5OfAttributes } from './md5.js';
import { attributesSize, checkMessageAttributes, messageAttributes } from './message-attributes.js';
import type { StoredMessage } from './model.js';
import { effectiveInt } from './queue-attributes.js';
import type { Queue } from './queue.js';

/** A character SQS refuses in a message body (outside XML 1.0's Char production; unpaired surrogates too). */
const INVALID_BODY_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** One message to send: SendMessage's members, a SendMessageBatch entry's, or an internal sender's. */
export const MESSAGE = structure({
  MessageBody: required(string()),
  DelaySeconds: integer({ min: 0, max: 900, reason: 'DelaySeconds must be >= 0 and <= 900.' }),
  MessageAttributes: messageAttributes('MessageAttribute'),
  MessageSystemAttributes: messageAttributes('MessageSystemAttribute'),
  // Any value is refused (standard queues), naming it: see buildMessage.
  MessageGroupId: unchecked(string()),
  MessageDeduplicationId: unchecked(string()),
});

export type MessageInput = Infer<typeof MESSAGE>;

/**
 * Checks one validated message (`MESSAGE`) against its queue and builds the message to store. Shared by
 * SendMessage, SendMessageBatch, SNS deliveries and the internal API.
 */
export function buildMessage(
  queue: Queue,
  input: MessageInput,
  senderId: string,
  now = Date.now(),
): StoredMessage {
  const body = input.MessageBody;
  const bad = INVALID_BODY_CHAR.exec(body);
  if (bad) throw invalidMessageContents(xmlCharRef(bad[0].codePointAt(0)!));
  for (const fifoOnly of ['MessageGroupId', 'MessageDeduplicationId'] as const) {
    const v = input[fifoOnly];
    if (v !== undefined && v !== null) {
      throw invalidValue(fifoOnly, v, 'The request include parameter that is not valid for this queue type.');
    }
  }
  const delay = input.DelaySeconds ?? effectiveInt(queue.meta.attributes, 'DelaySeconds');
  const attributes = checkMessageAttributes(input.MessageAttributes, 'user');
  const systemAttributes = checkMessageAttributes(input.MessageSystemAttributes, 'system');
  const max = effectiveInt(queue.meta.attributes, 'MaximumMessageSize');
  const size = Buffer.byteLength(body) + attributesSize(attributes);
  if (size > max) {
    throw sqsError(
      'InvalidParameterValueException',
      `One or more parameters are invalid. Reason: Message must be shorter than ${max} bytes.`,
    );
  }
  const m: StoredMessage = {
    id: randomUUID(),
    body,
    md5OfBody: md5Hex(body),
    senderId,
    sentAt: now,
    delayUntil: delay > 0 ? now + delay * 1000 : 0,
  };
  if (attributes) {
    m.attributes = attributes;
    m.md5OfAttributes = md5OfAttributes(attributes);
  }
  if (systemAttributes) {
    m.systemAttributes = systemAttributes;
    m.md5OfSystemAttributes = md5OfAttributes(systemAttributes);
  }
  return m;
}
