import { el } from '../../server/protocols/query.js';
import { parseRedrivePolicy } from '../queue-attributes.js';
import { queueUrl } from '../queue-names.js';
import { defineAction, scalars, targetQueue } from '../sqs-action.js';

export const listDeadLetterSourceQueues = defineAction({
  async run(sqs, input, call) {
    const dlq = targetQueue(sqs, input);
    const sources = sqs.queues
      .list()
      .filter((q) => parseRedrivePolicy(q.meta.attributes.RedrivePolicy)?.deadLetterTargetArn === dlq.arn);
    return { queueUrls: sources.map((q) => queueUrl(sqs.app, call.host, q.name)) };
  },
  fromQuery: (p) => scalars(p, ['QueueUrl']),
  toXml: (out) => out.queueUrls.map((u) => el('QueueUrl', u)),
});
