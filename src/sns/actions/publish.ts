import { el } from '../../server/protocols/query.js';
import type { QueryParams } from '../../server/protocols/query.js';
import { invalidParameter } from '../errors.js';
import { attributesFromQuery } from '../message-attributes.js';
import { buildPublication, type PublishInput } from '../publication.js';
import type { SnsAction } from '../sns-action.js';

export function publishInput(p: QueryParams): PublishInput {
  const input: PublishInput = { MessageAttributes: attributesFromQuery(p) };
  for (const k of [
    'Message',
    'Subject',
    'MessageStructure',
    'MessageGroupId',
    'MessageDeduplicationId',
  ] as const) {
    const v = p.get(k);
    if (v !== undefined) input[k] = v;
  }
  return input;
}

export const publish: SnsAction = async (sns, p) => {
  if (p.get('PhoneNumber') !== undefined)
    throw invalidParameter('PhoneNumber Reason: SMS is not supported by Tributary');
  const topicArn = p.get('TopicArn') ?? p.get('TargetArn');
  const t = sns.registry.topic(topicArn, p.has('TopicArn') ? 'TopicArn' : 'TopicArn or TargetArn');
  const pub = buildPublication(t, publishInput(p));
  await sns.deliverer.publish(pub);
  return el('MessageId', pub.messageId);
};
