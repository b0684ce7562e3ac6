import { el } from '../../server/protocols/query.js';
import { queueDoesNotExist } from '../errors.js';
import { optString, reqString } from '../params.js';
import { queueUrl } from '../queue-names.js';
import { defineAction, scalars } from '../sqs-action.js';

export const getQueueUrl = defineAction({
  async run(sqs, input, call) {
    const name = reqString(input, 'QueueName');
    const owner = optString(input, 'QueueOwnerAWSAccountId');
    const q = owner !== undefined && owner !== sqs.app.options.account ? undefined : sqs.queues.byName(name);
    if (!q) throw queueDoesNotExist();
    return { QueueUrl: queueUrl(sqs.app, call.host, q.name) };
  },
  fromQuery: (p) => scalars(p, ['QueueName', 'QueueOwnerAWSAccountId']),
  toXml: (out) => el('QueueUrl', out.QueueUrl),
});
