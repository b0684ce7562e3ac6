import { operation } from '../../server/operations.js';
import { entries, list, string, structure } from '../../server/shapes.js';
import { validate } from '../../server/validate.js';
import { sqsError, SQS_DIALECT } from '../errors.js';
import { attributesSize } from '../message-attributes.js';
import { buildMessage, MESSAGE } from '../messages.js';
import type { StoredMessage } from '../model.js';
import {
  BATCH_FAILURES,
  batchFailure,
  checkBatch,
  ENTRY_ID,
  QUEUE_URL,
  senderOf,
  type BatchFailure,
  type SqsContext,
} from '../sqs-action.js';
import { sendResult, type SendResult } from './send-message.js';

/** AWS caps the sum of a batch's messages at 1 MiB. */
const MAX_BATCH_BYTES = 1024 * 1024;

const ENTRY = structure({ Id: ENTRY_ID, ...MESSAGE.members });

export const sendMessageBatch = operation({
  input: structure({
    QueueUrl: QUEUE_URL,
    Entries: entries(ENTRY, { flattened: true, memberName: 'SendMessageBatchRequestEntry' }),
  }),
  output: structure({
    Successful: list(
      structure({
        Id: string(),
        MessageId: string(),
        MD5OfMessageBody: string(),
        MD5OfMessageAttributes: string(),
        MD5OfMessageSystemAttributes: string(),
      }),
      { flattened: true, memberName: 'SendMessageBatchResultEntry' },
    ),
    Failed: BATCH_FAILURES,
  }),
  async run(sqs: SqsContext, input, call) {
    const q = sqs.queues.byUrl(input.QueueUrl);
    const batch = input.Entries ?? [];
    checkBatch(batch, 'SendMessageBatchRequestEntry');
    const sender = senderOf(call, sqs);
    const ok: Array<{ id: string; m: StoredMessage }> = [];
    const Failed: BatchFailure[] = [];
    for (const e of batch) {
      const id = e.Id as string;
      try {
        ok.push({ id, m: buildMessage(q, validate(ENTRY, e, SQS_DIALECT), sender) });
      } catch (err) {
        Failed.push(batchFailure(id, err, call));
      }
    }
    const total = ok.reduce((n, { m }) => n + Buffer.byteLength(m.body) + attributesSize(m.attributes), 0);
    if (total > MAX_BATCH_BYTES) {
      throw sqsError(
        'BatchRequestTooLong',
        `Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes. You have sent ${total} bytes.`,
      );
    }
    await sqs.queues.send(
      q,
      ok.map((x) => x.m),
    );
    const Successful: Array<SendResult & { Id: string }> = ok.map(({ id, m }) => ({
      Id: id,
      ...sendResult(m),
    }));
    return { Successful, Failed };
  },
});
