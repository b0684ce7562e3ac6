import { invalidParameter } from '../errors.js';
import { optStringMap } from '../params.js';
import { defineAction, scalars, targetQueue } from '../sqs-action.js';

const MAX_TAGS = 50;

export function checkTags(raw: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k.length < 1 || k.length > 128 || typeof v !== 'string' || v.length > 256) {
      throw invalidParameter(`Tag ${k} is invalid: keys are 1-128 characters, values at most 256.`);
    }
    out[k] = v;
  }
  return out;
}

export const tagQueue = defineAction({
  async run(sqs, input) {
    const q = targetQueue(sqs, input);
    const tags = checkTags(optStringMap(input, 'Tags') ?? {});
    if (Object.keys({ ...q.meta.tags, ...tags }).length > MAX_TAGS) {
      throw invalidParameter(`Too many tags added for queue ${q.name}.`);
    }
    await sqs.queues.update(q, (meta) => ({ ...meta, tags: { ...meta.tags, ...tags } }));
    return {};
  },
  fromQuery: (p) => ({ ...scalars(p, ['QueueUrl']), Tags: p.map('Tag', 'Key', 'Value') }),
  toXml: () => undefined,
});
