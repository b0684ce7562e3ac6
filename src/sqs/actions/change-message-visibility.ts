import { operation } from '../../server/operations.js';
import { integer, required, string, structure, type Infer } from '../../server/shapes.js';
import { invalidValue, sqsError } from '../errors.js';
import { checkReceiptHandle } from '../receipt-handles.js';
import type { Queue } from '../queue.js';
import { QUEUE_URL, type SqsContext } from '../sqs-action.js';

/** One visibility change: ChangeMessageVisibility's members, or a ChangeMessageVisibilityBatch entry's. */
export const VISIBILITY_CHANGE = structure({
  ReceiptHandle: required(string()),
  VisibilityTimeout: required(
    integer({ min: 0, max: 43200, reason: 'VisibilityTimeout must be an integer between 0 and 43200.' }),
  ),
});

/** Applies one validated visibility change (shared with the batch action). */
export async function changeVisibility(q: Queue, input: Infer<typeof VISIBILITY_CHANGE>): Promise<void> {
  const handle = input.ReceiptHandle;
  const parts = checkReceiptHandle(handle, q.meta.incarnation);
  const m = q.get(parts.seq);
  if (!m)
    throw invalidValue(
      'ReceiptHandle',
      handle,
      'Message does not exist or is not available for visibility timeout change.',
    );
  if (m.state !== 'inflight')
    throw sqsError('MessageNotInflight', 'The message referred to is not in flight.');
  // A handle from an earlier receive no longer controls the message.
  if (m.recv?.nonce !== parts.nonce)
    throw invalidValue('ReceiptHandle', handle, 'The receipt handle has expired.');
  await q.changeVisibility(m, input.VisibilityTimeout * 1000);
}

export const changeMessageVisibility = operation({
  input: structure({ QueueUrl: QUEUE_URL, ...VISIBILITY_CHANGE.members }),
  async run(sqs: SqsContext, input) {
    await changeVisibility(sqs.queues.byUrl(input.QueueUrl), input);
    return {};
  },
});
