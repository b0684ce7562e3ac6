import { operation } from '../../server/operations.js';
import { entries, structure } from '../../server/shapes.js';
import { validate } from '../../server/validate.js';
import { SQS_DIALECT } from '../errors.js';
import {
  BATCH_FAILURES,
  batchSuccesses,
  checkBatch,
  eachEntry,
  ENTRY_ID,
  QUEUE_URL,
  type SqsContext,
} from '../sqs-action.js';
import { deleteByHandle, RECEIPT_HANDLE } from './delete-message.js';

const ENTRY = structure({ Id: ENTRY_ID, ReceiptHandle: RECEIPT_HANDLE });

export const deleteMessageBatch = operation({
  input: structure({
    QueueUrl: QUEUE_URL,
    Entries: entries(ENTRY, { flattened: true, memberName: 'DeleteMessageBatchRequestEntry' }),
  }),
  output: structure({ Successful: batchSuccesses('DeleteMessageBatchResultEntry'), Failed: BATCH_FAILURES }),
  async run(sqs: SqsContext, input, call) {
    const q = sqs.queues.byUrl(input.QueueUrl);
    const batch = input.Entries ?? [];
    checkBatch(batch, 'DeleteMessageBatchRequestEntry');
    return eachEntry(batch, 'concurrent', call, (e) =>
      deleteByHandle(q, validate(ENTRY, e, SQS_DIALECT).ReceiptHandle),
    );
  },
});
