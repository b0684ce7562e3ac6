import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import { QUEUE_URL, type SqsContext } from '../sqs-action.js';
import { TAGS } from './tag-queue.js';

export const listQueueTags = operation({
  input: structure({ QueueUrl: QUEUE_URL }),
  output: structure({ Tags: TAGS }),
  async run(sqs: SqsContext, input) {
    const q = sqs.queues.byUrl(input.QueueUrl);
    return Object.keys(q.meta.tags).length > 0 ? { Tags: { ...q.meta.tags } } : {};
  },
});
