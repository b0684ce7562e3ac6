import { operation } from '../../server/operations.js';
import { map, string, structure } from '../../server/shapes.js';
import { invalidParameter } from '../errors.js';
import { buildPublication } from '../publication.js';
import type { SnsContext } from '../sns-action.js';

/** One message to publish: Publish's members, or a PublishBatch entry's (checked by buildPublication). */
export const MESSAGE = {
  Message: string(),
  Subject: string(),
  MessageStructure: string(),
  // `MessageAttributes.entry.N.Name` / `.Value.DataType`...
  MessageAttributes: map(structure({ DataType: string(), StringValue: string(), BinaryValue: string() }), {
    keyName: 'Name',
    valueName: 'Value',
  }),
  MessageGroupId: string(),
  MessageDeduplicationId: string(),
};

export const publish = operation({
  input: structure({ TopicArn: string(), TargetArn: string(), PhoneNumber: string(), ...MESSAGE }),
  output: structure({ MessageId: string() }),
  async run(sns: SnsContext, input) {
    if (input.PhoneNumber !== undefined)
      throw invalidParameter('PhoneNumber Reason: SMS is not supported by Tributary');
    const topicArn = input.TopicArn ?? input.TargetArn;
    const t = sns.registry.topic(
      topicArn,
      input.TopicArn !== undefined ? 'TopicArn' : 'TopicArn or TargetArn',
    );
    const pub = buildPublication(t, input);
    await sns.deliverer.publish(pub);
    return { MessageId: pub.messageId };
  },
});
