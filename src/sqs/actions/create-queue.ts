import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import { sqsError } from '../errors.js';
import { ATTRIBUTES, checkSettableAttributes } from '../queue-attributes.js';
import { checkQueueName, isFifoName, queueUrl } from '../queue-names.js';
import type { SqsContext } from '../sqs-action.js';
import { checkTags, TAGS } from './tag-queue.js';

export const createQueue = operation({
  input: structure({ QueueName: required(string()), Attributes: ATTRIBUTES, tags: TAGS }),
  output: structure({ QueueUrl: string() }),
  async run(sqs: SqsContext, input, call) {
    const name = input.QueueName;
    checkQueueName(name);
    const attributes = checkSettableAttributes(input.Attributes ?? {});
    const tags = checkTags(input.tags ?? {});
    if (isFifoName(name) || attributes.FifoQueue === 'true') {
      // Failure destinations of event source mappings must be standard queues; FIFO semantics
      // (group ordering, deduplication) are not implemented, so refuse instead of pretending.
      throw sqsError(
        'UnsupportedOperation',
        'FIFO queues are not supported by Tributary; create a standard queue.',
      );
    }
    if (attributes.FifoQueue === 'false') delete attributes.FifoQueue;
    const q = await sqs.queues.create(name, attributes, tags);
    return { QueueUrl: queueUrl(sqs.app, call.host, q.name) };
  },
});
