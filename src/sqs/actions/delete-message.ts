import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import { checkReceiptHandle } from '../receipt-handles.js';
import type { Queue } from '../queue.js';
import { QUEUE_URL, type SqsContext } from '../sqs-action.js';

export const RECEIPT_HANDLE = required(string());

/**
 * Deletes the message a receipt handle names. Like AWS, a handle of an earlier receive still deletes
 * the message, and deleting a message that is already gone succeeds.
 */
export async function deleteByHandle(q: Queue, handle: string): Promise<void> {
  const parts = checkReceiptHandle(handle, q.meta.incarnation);
  await q.remove(parts.seq);
}

export const deleteMessage = operation({
  input: structure({ QueueUrl: QUEUE_URL, ReceiptHandle: RECEIPT_HANDLE }),
  async run(sqs: SqsContext, input) {
    await deleteByHandle(sqs.queues.byUrl(input.QueueUrl), input.ReceiptHandle);
    return {};
  },
});
