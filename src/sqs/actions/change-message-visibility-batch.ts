import { el } from '../../server/protocols/query.js';
import { batchEntries } from '../params.js';
import {
  batchFailure,
  checkBatch,
  defineAction,
  scalars,
  targetQueue,
  type BatchFailure,
} from '../sqs-action.js';
import { changeVisibility } from './change-message-visibility.js';
import { failureXml } from './send-message-batch.js';

export const changeMessageVisibilityBatch = defineAction({
  async run(sqs, input) {
    const q = targetQueue(sqs, input);
    const entries = batchEntries(input, 'Entries');
    checkBatch(entries, 'ChangeMessageVisibilityBatchRequestEntry');
    const Successful: Array<{ Id: string }> = [];
    const Failed: BatchFailure[] = [];
    for (const e of entries) {
      const id = e.Id as string;
      try {
        await changeVisibility(q, e);
        Successful.push({ Id: id });
      } catch (err) {
        Failed.push(batchFailure(id, err));
      }
    }
    return { Successful, Failed };
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
