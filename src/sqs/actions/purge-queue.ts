import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import { QUEUE_URL, type SqsContext } from '../sqs-action.js';

export const purgeQueue = operation({
  input: structure({ QueueUrl: QUEUE_URL }),
  async run(sqs: SqsContext, input) {
    await sqs.queues.byUrl(input.QueueUrl).purge();
    return {};
  },
});
