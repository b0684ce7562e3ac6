import { el } from '../../server/protocols/query.js';
import { batchEntries, reqString } from '../params.js';
import {
  batchFailure,
  checkBatch,
  defineAction,
  scalars,
  targetQueue,
  type BatchFailure,
} from '../sqs-action.js';
import { deleteByHandle } from './delete-message.js';
import { failureXml } from './send-message-batch.js';

export const deleteMessageBatch = defineAction({
  async run(sqs, input) {
    const q = targetQueue(sqs, input);
    const entries = batchEntries(input, 'Entries');
    checkBatch(entries, 'DeleteMessageBatchRequestEntry');
    const Successful: Array<{ Id: string }> = [];
    const Failed: BatchFailure[] = [];
    await Promise.all(
      entries.map(async (e) => {
        const id = e.Id as string;
        try {
          await deleteByHandle(q, reqString(e, 'ReceiptHandle'));
          Successful.push({ Id: id });
        } catch (err) {
          Failed.push(batchFailure(id, err));
        }
      }),
    );
    const order = new Map(entries.map((e, i) => [e.Id as string, i]));
    Successful.sort((a, b) => order.get(a.Id)! - order.get(b.Id)!);
    return { Successful, Failed };
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
