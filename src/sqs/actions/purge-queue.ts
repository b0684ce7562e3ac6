import { defineAction, scalars, targetQueue } from '../sqs-action.js';

export const purgeQueue = defineAction({
  async run(sqs, input) {
    await targetQueue(sqs, input).purge();
    return {};
  },
  fromQuery: (p) => scalars(p, ['QueueUrl']),
  toXml: () => undefined,
});
