import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import { ATTRIBUTES, TOPIC_ARN_MEMBER, type SnsContext } from '../sns-action.js';
import { topicAttributes } from '../topic-attributes.js';

export const getTopicAttributes = operation({
  input: structure({ TopicArn: TOPIC_ARN_MEMBER }),
  output: structure({ Attributes: ATTRIBUTES }),
  async run(sns: SnsContext, input) {
    const t = sns.registry.topic(input.TopicArn);
    return { Attributes: topicAttributes(t, sns.registry, sns.app.options.account) };
  },
});
