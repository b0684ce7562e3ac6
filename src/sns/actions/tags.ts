import { el, members } from '../../server/protocols/query.js';
import { AwsError } from '../../server/errors.js';
import type { TopicMeta } from '../model.js';
import { tagList, type SnsAction, type SnsContext } from '../sns-action.js';
import type { QueryParams } from '../../server/protocols/query.js';

/** Topics are the only taggable SNS resources here. */
function resource(sns: SnsContext, p: QueryParams): TopicMeta {
  const arn = p.get('ResourceArn') ?? '';
  const t = sns.registry.findTopic(arn);
  if (!t) throw new AwsError('ResourceNotFound', 'Resource does not exist', 404);
  return t;
}

export const tagResource: SnsAction = async (sns, p) => {
  const t = resource(sns, p);
  const tags = tagList(p);
  if (Object.keys({ ...t.tags, ...tags }).length > 50) {
    throw new AwsError(
      'TagLimitExceeded',
      'Could not complete request: tag quota of per resource exceeded',
      400,
    );
  }
  await sns.registry.updateTopic(t, (m) => ({ ...m, tags: { ...m.tags, ...tags } }));
  return [];
};

export const untagResource: SnsAction = async (sns, p) => {
  const t = resource(sns, p);
  const keys = p.values('TagKeys.member');
  await sns.registry.updateTopic(t, (m) => {
    for (const k of keys) delete m.tags[k];
    return m;
  });
  return [];
};

export const listTagsForResource: SnsAction = async (sns, p) => {
  const t = resource(sns, p);
  return members('Tags', Object.entries(t.tags), ([k, v]) => [el('Key', k), el('Value', v)]);
};
