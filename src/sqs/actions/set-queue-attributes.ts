import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import { sqsError } from '../errors.js';
import { ATTRIBUTES, checkSettableAttributes } from '../queue-attributes.js';
import { QUEUE_URL, type SqsContext } from '../sqs-action.js';

export const setQueueAttributes = operation({
  input: structure({ QueueUrl: QUEUE_URL, Attributes: ATTRIBUTES }),
  async run(sqs: SqsContext, input) {
    const q = sqs.queues.byUrl(input.QueueUrl);
    const attrs = checkSettableAttributes(input.Attributes ?? {});
    if ('FifoQueue' in attrs) throw sqsError('InvalidAttributeName', 'Unknown Attribute FifoQueue.');
    await sqs.queues.update(q, (meta) => {
      for (const [k, v] of Object.entries(attrs)) {
        // An empty Policy/RedrivePolicy removes it, as on AWS.
        if (v === '') delete meta.attributes[k];
        else meta.attributes[k] = v;
      }
      meta.lastModifiedAt = Date.now();
      return meta;
    });
    return {};
  },
});
