import { operation } from '../../server/operations.js';
import { list, string, structure } from '../../server/shapes.js';
import { page, type SnsContext } from '../sns-action.js';

export const listTopics = operation({
  input: structure({ NextToken: string() }),
  output: structure({ Topics: list(structure({ TopicArn: string() })), NextToken: string() }),
  async run(sns: SnsContext, input) {
    const { items, next } = page(sns.registry.listTopics(), (t) => t.arn, input.NextToken);
    const Topics = items.map((t) => ({ TopicArn: t.arn }));
    return next === undefined ? { Topics } : { Topics, NextToken: next };
  },
});
