import { defineAction, scalars, targetQueue } from '../sqs-action.js';

export const deleteQueue = defineAction({
  async run(sqs, input) {
    await sqs.queues.delete(targetQueue(sqs, input));
    return {};
  },
  fromQuery: (p) => scalars(p, ['QueueUrl']),
  toXml: () => undefined,
});
