import { el } from '../../server/protocols/query.js';
import { defineAction, scalars, targetQueue } from '../sqs-action.js';

export const listQueueTags = defineAction({
  async run(sqs, input) {
    const q = targetQueue(sqs, input);
    return Object.keys(q.meta.tags).length > 0 ? { Tags: { ...q.meta.tags } } : {};
  },
  fromQuery: (p) => scalars(p, ['QueueUrl']),
  toXml: (out: { Tags?: Record<string, string> }) =>
    Object.entries(out.Tags ?? {}).map(([k, v]) => el('Tag', el('Key', k), el('Value', v))),
});
