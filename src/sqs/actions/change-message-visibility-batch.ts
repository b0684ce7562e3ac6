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
import { changeVisibility, VISIBILITY_CHANGE } from './change-message-visibility.js';

const ENTRY = structure({ Id: ENTRY_ID, ...VISIBILITY_CHANGE.members });

export const changeMessageVisibilityBatch = operation({
  input: structure({
    QueueUrl: QUEUE_URL,
    Entries: entries(ENTRY, { flattened: true, memberName: 'ChangeMessageVisibilityBatchRequestEntry' }),
  }),
  output: structure({
    Successful: batchSuccesses('ChangeMessageVisibilityBatchResultEntry'),
    Failed: BATCH_FAILURES,
  }),
  async run(sqs: SqsContext, input, call) {
    const q = sqs.queues.byUrl(input.QueueUrl);
    const batch = input.Entries ?? [];
    checkBatch(batch, 'ChangeMessageVisibilityBatchRequestEntry');
    return eachEntry(batch, 'in-order', call, (e) => changeVisibility(q, validate(ENTRY, e, SQS_DIALECT)));
  },
});
