import { invalidValue, missingParameter, sqsError } from '../errors.js';
import { optInt, reqString, type Input } from '../params.js';
import { checkReceiptHandle } from '../receipt-handles.js';
import type { Queue } from '../queue.js';
import { defineAction, scalars, targetQueue } from '../sqs-action.js';

/** Validates and applies one visibility change (shared with the batch action). */
export async function changeVisibility(q: Queue, input: Input): Promise<void> {
  const handle = reqString(input, 'ReceiptHandle');
  const timeout = optInt(
    input,
    'VisibilityTimeout',
    0,
    43200,
    'VisibilityTimeout must be an integer between 0 and 43200.',
  );
  if (timeout === undefined) throw missingParameter('VisibilityTimeout');
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
  await q.changeVisibility(m, timeout * 1000);
}

export const changeMessageVisibility = defineAction({
  async run(sqs, input) {
    await changeVisibility(targetQueue(sqs, input), input);
    return {};
  },
  fromQuery: (p) => scalars(p, ['QueueUrl', 'ReceiptHandle', 'VisibilityTimeout']),
  toXml: () => undefined,
});
