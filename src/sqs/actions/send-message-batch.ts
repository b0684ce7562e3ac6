import { el, opt } from '../../server/protocols/query.js';
import { sqsError } from '../errors.js';
import { attributesSize } from '../message-attributes.js';
import { buildMessage } from '../messages.js';
import type { StoredMessage } from '../model.js';
import { batchEntries } from '../params.js';
import {
  batchFailure,
  checkBatch,
  defineAction,
  failureXml,
  scalars,
  targetQueue,
  type BatchFailure,
} from '../sqs-action.js';
import { messageFromQuery, sendResult, type SendResult } from './send-message.js';

/** AWS caps the sum of a batch's messages at 1 MiB. */
const MAX_BATCH_BYTES = 1024 * 1024;

export const sendMessageBatch = defineAction({
  async run(sqs, input, call) {
    const q = targetQueue(sqs, input);
    const entries = batchEntries(input, 'Entries');
    checkBatch(entries, 'SendMessageBatchRequestEntry');
    const ok: Array<{ id: string; m: StoredMessage }> = [];
    const Failed: BatchFailure[] = [];
    for (const e of entries) {
      const id = e.Id as string;
      try {
        ok.push({ id, m: buildMessage(q, e, call.senderId) });
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
  fromQuery: (p) => ({
    ...scalars(p, ['QueueUrl']),
    Entries: p.items('SendMessageBatchRequestEntry').map(messageFromQuery),
  }),
  toXml: (out) => [
    out.Successful.map((s) =>
      el(
        'SendMessageBatchResultEntry',
        el('Id', s.Id),
        el('MessageId', s.MessageId),
        el('MD5OfMessageBody', s.MD5OfMessageBody),
        opt('MD5OfMessageAttributes', s.MD5OfMessageAttributes),
        opt('MD5OfMessageSystemAttributes', s.MD5OfMessageSystemAttributes),
      ),
    ),
    out.Failed.map(failureXml),
  ],
});
