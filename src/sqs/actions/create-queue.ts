import { el } from '../../server/protocols/query.js';
import { sqsError } from '../errors.js';
import { optStringMap, reqString } from '../params.js';
import { checkSettableAttributes } from '../queue-attributes.js';
import { checkQueueName, isFifoName, queueUrl } from '../queue-names.js';
import { defineAction } from '../sqs-action.js';
import { checkTags } from './tag-queue.js';

export const createQueue = defineAction({
  async run(sqs, input, call) {
    const name = reqString(input, 'QueueName');
    checkQueueName(name);
    const attributes = checkSettableAttributes(optStringMap(input, 'Attributes') ?? {});
    const tags = checkTags(optStringMap(input, 'tags') ?? {});
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
  fromQuery: (p) => ({
    QueueName: p.get('QueueName'),
    Attributes: p.map('Attribute', 'Name', 'Value'),
    tags: p.map('Tag', 'Key', 'Value'),
  }),
  toXml: (out) => el('QueueUrl', out.QueueUrl),
});
