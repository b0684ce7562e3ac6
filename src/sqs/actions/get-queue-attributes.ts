import { operation } from '../../server/operations.js';
import { list, string, structure } from '../../server/shapes.js';
import { sqsError } from '../errors.js';
import { ATTRIBUTES, COMPUTED, SETTABLE, effective } from '../queue-attributes.js';
import type { Queue } from '../queue.js';
import { QUEUE_URL, type SqsContext } from '../sqs-action.js';

const ALL = [...COMPUTED, ...Object.keys(SETTABLE)];

function value(q: Queue, name: string): string | undefined {
  const c = q.counts();
  switch (name) {
    case 'QueueArn':
      return q.arn;
    case 'ApproximateNumberOfMessages':
      return String(c.visible);
    case 'ApproximateNumberOfMessagesNotVisible':
      return String(c.notVisible);
    case 'ApproximateNumberOfMessagesDelayed':
      return String(c.delayed);
    case 'CreatedTimestamp':
      return String(Math.floor(q.meta.createdAt / 1000));
    case 'LastModifiedTimestamp':
      return String(Math.floor(q.meta.lastModifiedAt / 1000));
    default:
      return effective(q.meta.attributes, name);
  }
}

/** Attribute names asked for (`AttributeName.N` in the query protocol). */
export const ATTRIBUTE_NAMES = list(string(), { flattened: true, memberName: 'AttributeName' });

export const getQueueAttributes = operation({
  input: structure({ QueueUrl: QUEUE_URL, AttributeNames: ATTRIBUTE_NAMES }),
  output: structure({ Attributes: ATTRIBUTES }),
  async run(sqs: SqsContext, input) {
    const q = sqs.queues.byUrl(input.QueueUrl);
    const names = input.AttributeNames ?? [];
    for (const n of names) {
      if (n !== 'All' && !ALL.includes(n)) throw sqsError('InvalidAttributeName', `Unknown Attribute ${n}.`);
    }
    const wanted = names.includes('All') ? ALL : names;
    const attrs: Record<string, string> = {};
    for (const n of wanted) {
      const v = value(q, n);
      if (v !== undefined && v !== '') attrs[n] = v;
    }
    return Object.keys(attrs).length > 0 ? { Attributes: attrs } : {};
  },
});
