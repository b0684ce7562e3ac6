import { reqString } from '../params.js';
import { checkReceiptHandle } from '../receipt-handles.js';
import type { Queue } from '../queue.js';
import { defineAction, scalars, targetQueue } from '../sqs-action.js';

/**
 * Deletes the message a receipt handle names. Like AWS, a handle of an earlier receive still deletes
 * the message, and deleting a message that is already gone succeeds.
 */
export async function deleteByHandle(q: Queue, handle: string): Promise<void> {
  const parts = checkReceiptHandle(handle, q.meta.incarnation);
  await q.remove(parts.seq);
}

export const deleteMessage = defineAction({
  async run(sqs, input) {
    const q = targetQueue(sqs, input);
    await deleteByHandle(q, reqString(input, 'ReceiptHandle'));
    return {};
  },
  fromQuery: (p) => scalars(p, ['QueueUrl', 'ReceiptHandle']),
  toXml: () => undefined,
});
