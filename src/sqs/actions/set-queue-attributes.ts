import { sqsError } from '../errors.js';
import { optStringMap } from '../params.js';
import { checkSettableAttributes } from '../queue-attributes.js';
import { defineAction, scalars, targetQueue } from '../sqs-action.js';

export const setQueueAttributes = defineAction({
  async run(sqs, input) {
    const q = targetQueue(sqs, input);
    const attrs = checkSettableAttributes(optStringMap(input, 'Attributes') ?? {});
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
  fromQuery: (p) => ({ ...scalars(p, ['QueueUrl']), Attributes: p.map('Attribute', 'Name', 'Value') }),
  toXml: () => undefined,
});
