import { optStringList } from '../params.js';
import { defineAction, scalars, targetQueue } from '../sqs-action.js';

export const untagQueue = defineAction({
  async run(sqs, input) {
    const q = targetQueue(sqs, input);
    const keys = optStringList(input, 'TagKeys') ?? [];
    await sqs.queues.update(q, (meta) => {
      for (const k of keys) delete meta.tags[k];
      return meta;
    });
    return {};
  },
  fromQuery: (p) => ({ ...scalars(p, ['QueueUrl']), TagKeys: p.values('TagKey') }),
  toXml: () => undefined,
});
