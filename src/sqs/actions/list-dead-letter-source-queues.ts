import { operation } from '../../server/operations.js';
import { list, string, structure } from '../../server/shapes.js';
import { parseRedrivePolicy } from '../queue-attributes.js';
import { queueUrl } from '../queue-names.js';
import { QUEUE_URL, type SqsContext } from '../sqs-action.js';

export const listDeadLetterSourceQueues = operation({
  input: structure({ QueueUrl: QUEUE_URL }),
  output: structure({ queueUrls: list(string(), { flattened: true, memberName: 'QueueUrl' }) }),
  async run(sqs: SqsContext, input, call) {
    const dlq = sqs.queues.byUrl(input.QueueUrl);
    const sources = sqs.queues
      .list()
      .filter((q) => parseRedrivePolicy(q.meta.attributes.RedrivePolicy)?.deadLetterTargetArn === dlq.arn);
    return { queueUrls: sources.map((q) => queueUrl(sqs.app, call.host, q.name)) };
  },
});
