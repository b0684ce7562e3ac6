import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import { TOPIC_ARN_MEMBER, type SnsContext } from '../sns-action.js';
import { checkTopicArn } from '../topic-registry.js';

export const deleteTopic = operation({
  input: structure({ TopicArn: TOPIC_ARN_MEMBER }),
  async run(sns: SnsContext, input) {
    // "Deleting a topic that does not exist does not result in an error." (SNS API reference)
    const t = sns.registry.findTopic(checkTopicArn(input.TopicArn));
    if (t) await sns.registry.deleteTopic(t);
  },
});
