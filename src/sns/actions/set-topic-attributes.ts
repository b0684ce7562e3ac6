import { operation } from '../../server/operations.js';
import { string, structure } from '../../server/shapes.js';
import { invalidParameter } from '../errors.js';
import { TOPIC_ARN_MEMBER, type SnsContext } from '../sns-action.js';
import { checkTopicAttribute } from '../topic-attributes.js';

export const setTopicAttributes = operation({
  // AttributeName is required, but SNS names a missing one without a Reason (checked below).
  input: structure({ TopicArn: TOPIC_ARN_MEMBER, AttributeName: string(), AttributeValue: string() }),
  async run(sns: SnsContext, input) {
    const t = sns.registry.topic(input.TopicArn);
    const name = input.AttributeName;
    if (name === undefined || name === '') throw invalidParameter('AttributeName');
    const value = input.AttributeValue ?? '';
    checkTopicAttribute(name, value);
    if (name === 'FifoTopic') throw invalidParameter('AttributeName');
    await sns.registry.updateTopic(t, (m) => {
      if (value === '') delete m.attributes[name];
      else m.attributes[name] = value;
      return m;
    });
  },
});
