import { el } from '../../server/protocols/query.js';
import { sqsError } from '../errors.js';
import { optStringList } from '../params.js';
import { COMPUTED, SETTABLE, effective } from '../queue-attributes.js';
import type { Queue } from '../queue.js';
import { defineAction, scalars, targetQueue } from '../sqs-action.js';

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

export const getQueueAttributes = defineAction({
  async run(sqs, input) {
    const q = targetQueue(sqs, input);
    const names = optStringList(input, 'AttributeNames') ?? [];
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
  fromQuery: (p) => ({ ...scalars(p, ['QueueUrl']), AttributeNames: p.values('AttributeName') }),
  toXml: (out: { Attributes?: Record<string, string> }) =>
    Object.entries(out.Attributes ?? {}).map(([k, v]) => el('Attribute', el('Name', k), el('Value', v))),
});
