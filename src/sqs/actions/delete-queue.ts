import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import { QUEUE_URL, type SqsContext } from '../sqs-action.js';

export const deleteQueue = operation({
  input: structure({ QueueUrl: QUEUE_URL }),
  async run(sqs: SqsContext, input) {
    await sqs.queues.delete(sqs.queues.byUrl(input.QueueUrl));
    return {};
  },
});
