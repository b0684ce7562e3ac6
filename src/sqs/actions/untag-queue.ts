import { operation } from '../../server/operations.js';
import { list, string, structure } from '../../server/shapes.js';
import { QUEUE_URL, type SqsContext } from '../sqs-action.js';

export const untagQueue = operation({
  input: structure({
    QueueUrl: QUEUE_URL,
    TagKeys: list(string(), { flattened: true, memberName: 'TagKey' }),
  }),
  async run(sqs: SqsContext, input) {
    const q = sqs.queues.byUrl(input.QueueUrl);
    const keys = input.TagKeys ?? [];
    await sqs.queues.update(q, (meta) => {
      for (const k of keys) delete meta.tags[k];
      return meta;
    });
    return {};
  },
});
