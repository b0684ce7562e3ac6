import { AwsError } from '../../server/errors.js';
import { operation } from '../../server/operations.js';
import { list, string, structure } from '../../server/shapes.js';
import type { TopicMeta } from '../model.js';
import { checkTags, TAGS, type SnsContext } from '../sns-action.js';

/** Topics are the only taggable SNS resources here. */
function resource(sns: SnsContext, arn: string | undefined): TopicMeta {
  const t = sns.registry.findTopic(arn ?? '');
  if (!t) throw new AwsError('ResourceNotFound', 'Resource does not exist', 404);
  return t;
}

export const tagResource = operation({
  input: structure({ ResourceArn: string(), Tags: TAGS }),
  output: structure({}),
  async run(sns: SnsContext, input) {
    const t = resource(sns, input.ResourceArn);
    const tags = checkTags(input.Tags ?? []);
    if (Object.keys({ ...t.tags, ...tags }).length > 50) {
      throw new AwsError(
        'TagLimitExceeded',
        'Could not complete request: tag quota of per resource exceeded',
        400,
      );
    }
    await sns.registry.updateTopic(t, (m) => ({ ...m, tags: { ...m.tags, ...tags } }));
    return {};
  },
});

export const untagResource = operation({
  input: structure({ ResourceArn: string(), TagKeys: list(string()) }),
  output: structure({}),
  async run(sns: SnsContext, input) {
    const t = resource(sns, input.ResourceArn);
    const keys = input.TagKeys ?? [];
    await sns.registry.updateTopic(t, (m) => {
      for (const k of keys) delete m.tags[k];
      return m;
    });
    return {};
  },
});

export const listTagsForResource = operation({
  input: structure({ ResourceArn: string() }),
  output: structure({ Tags: TAGS }),
  async run(sns: SnsContext, input) {
    const t = resource(sns, input.ResourceArn);
    return { Tags: Object.entries(t.tags).map(([Key, Value]) => ({ Key, Value })) };
  },
});
