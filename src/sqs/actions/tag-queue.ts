import { operation } from '../../server/operations.js';
import { map, string, structure, unchecked } from '../../server/shapes.js';
import { invalidParameter } from '../errors.js';
import { QUEUE_URL, type SqsContext } from '../sqs-action.js';

const MAX_TAGS = 50;

/** A queue's tags (`Tag.N.Key` / `.Value` in the query protocol); values are checked by `checkTags`. */
export const TAGS = map(unchecked(string()), {
  flattened: true,
  name: 'Tag',
  keyName: 'Key',
  valueName: 'Value',
});

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

export const tagQueue = operation({
  input: structure({ QueueUrl: QUEUE_URL, Tags: TAGS }),
  async run(sqs: SqsContext, input) {
    const q = sqs.queues.byUrl(input.QueueUrl);
    const tags = checkTags(input.Tags ?? {});
    if (Object.keys({ ...q.meta.tags, ...tags }).length > MAX_TAGS) {
      throw invalidParameter(`Too many tags added for queue ${q.name}.`);
    }
    await sqs.queues.update(q, (meta) => ({ ...meta, tags: { ...meta.tags, ...tags } }));
    return {};
  },
});
