import { el } from '../../server/protocols/query.js';
import { batchEntries, reqString } from '../params.js';
import { checkBatch, defineAction, eachEntry, failureXml, scalars, targetQueue } from '../sqs-action.js';
import { deleteByHandle } from './delete-message.js';

export const deleteMessageBatch = defineAction({
  async run(sqs, input, call) {
    const q = targetQueue(sqs, input);
    const entries = batchEntries(input, 'Entries');
    checkBatch(entries, 'DeleteMessageBatchRequestEntry');
    return eachEntry(entries, 'concurrent', call, (e) => deleteByHandle(q, reqString(e, 'ReceiptHandle')));
  },
  fromQuery: (p) => ({
    ...scalars(p, ['QueueUrl']),
    Entries: p.items('DeleteMessageBatchRequestEntry').map((e) => scalars(e, ['Id', 'ReceiptHandle'])),
  }),
  toXml: (out) => [
    out.Successful.map((s) => el('DeleteMessageBatchResultEntry', el('Id', s.Id))),
    out.Failed.map(failureXml),
  ],
});
