import { el } from '../../server/protocols/query.js';
import { batchEntries } from '../params.js';
import { checkBatch, defineAction, eachEntry, failureXml, scalars, targetQueue } from '../sqs-action.js';
import { changeVisibility } from './change-message-visibility.js';

export const changeMessageVisibilityBatch = defineAction({
  async run(sqs, input, call) {
    const q = targetQueue(sqs, input);
    const entries = batchEntries(input, 'Entries');
    checkBatch(entries, 'ChangeMessageVisibilityBatchRequestEntry');
    return eachEntry(entries, 'in-order', call, (e) => changeVisibility(q, e));
  },
  fromQuery: (p) => ({
    ...scalars(p, ['QueueUrl']),
    Entries: p
      .items('ChangeMessageVisibilityBatchRequestEntry')
      .map((e) => scalars(e, ['Id', 'ReceiptHandle', 'VisibilityTimeout'])),
  }),
  toXml: (out) => [
    out.Successful.map((s) => el('ChangeMessageVisibilityBatchResultEntry', el('Id', s.Id))),
    out.Failed.map(failureXml),
  ],
});
