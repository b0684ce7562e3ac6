import type { SnsAction } from '../sns-action.js';
import { checkTopicArn } from '../topic-registry.js';

export const deleteTopic: SnsAction = async (sns, p) => {
  // "Deleting a topic that does not exist does not result in an error." (SNS API reference)
  const t = sns.registry.findTopic(checkTopicArn(p.get('TopicArn')));
  if (t) await sns.registry.deleteTopic(t);
  return undefined;
};
