import { randomUUID } from 'node:crypto';
import { invalidParameter } from './errors.js';
import { checkAttributes, type RawMessageAttribute } from './message-attributes.js';
import type { Publication, TopicMeta } from './model.js';

/** SNS's limit on a message plus its attributes. */
export const MAX_MESSAGE_BYTES = 256 * 1024;
/** Printable ASCII without line breaks, 1-99 characters (AWS: "must be ASCII text that begins with a letter, number, or punctuation mark; must not include line breaks or control characters; and must be less than 100 characters long"). */
const SUBJECT = /^[\x20-\x7e]{1,99}$/;

export interface PublishInput {
  Message?: string;
  Subject?: string;
  MessageStructure?: string;
  MessageAttributes?: Readonly<Record<string, RawMessageAttribute>>;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
}

/** Validates one message for a (standard) topic and returns what deliveries are rendered from. */
export function buildPublication(topic: TopicMeta, input: PublishInput, now = Date.now()): Publication {
  const message = input.Message;
  if (message === undefined || message === '') throw invalidParameter('Empty message');
  for (const fifoOnly of ['MessageGroupId', 'MessageDeduplicationId'] as const) {
    if (input[fifoOnly] !== undefined) {
      throw invalidParameter(
        `${fifoOnly} Reason: The request includes ${fifoOnly} parameter that is not valid for this topic type`,
      );
    }
  }
  if (input.Subject !== undefined && !SUBJECT.test(input.Subject)) throw invalidParameter('Subject');
  const attributes = checkAttributes(input.MessageAttributes ?? {});
  let size = Buffer.byteLength(message);
  for (const [k, a] of Object.entries(attributes ?? {})) {
    size +=
      Buffer.byteLength(k) +
      Buffer.byteLength(a.DataType) +
      Buffer.byteLength(a.StringValue ?? a.BinaryValue ?? '');
  }
  if (size > MAX_MESSAGE_BYTES) throw invalidParameter('Message too long');
  const pub: Publication = { messageId: randomUUID(), topicArn: topic.arn, message, timestamp: now };
  if (input.MessageStructure !== undefined) {
    if (input.MessageStructure !== 'json') throw invalidParameter('MessageStructure');
    pub.perProtocol = perProtocol(message);
  }
  if (input.Subject !== undefined) pub.subject = input.Subject;
  if (attributes) pub.attributes = attributes;
  return pub;
}

/** MessageStructure json: an object of strings with a `default` entry. */
function perProtocol(message: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw invalidParameter('Message Structure - JSON message body failed to parse');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidParameter('Message Structure - JSON message body failed to parse');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== 'string') throw invalidParameter(`Message Structure - ${k} must be a string`);
    out[k] = v;
  }
  if (out.default === undefined)
    throw invalidParameter('Message Structure - No default entry in JSON message body');
  return out;
}
