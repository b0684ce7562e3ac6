import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import { queueDoesNotExist } from '../errors.js';
import { queueUrl } from '../queue-names.js';
import type { SqsContext } from '../sqs-action.js';

export const getQueueUrl = operation({
  input: structure({ QueueName: required(string()), QueueOwnerAWSAccountId: string() }),
  output: structure({ QueueUrl: string() }),
  async run(sqs: SqsContext, input, call) {
    const owner = input.QueueOwnerAWSAccountId;
    const q =
      owner !== undefined && owner !== sqs.app.options.account
        ? undefined
        : sqs.queues.byName(input.QueueName);
    if (!q) throw queueDoesNotExist();
    return { QueueUrl: queueUrl(sqs.app, call.host, q.name) };
  },
});
