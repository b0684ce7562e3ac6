import { string } from '../../server/shapes.js';
import { InvalidParameterValue } from '../lambda-errors.js';
import type { LambdaContext } from '../lambda-context.js';
import type { Taggable } from '../tagging.js';

/** {Resource} of the tag paths: a function or event source mapping ARN (the model's pattern, loosely). */
export const RESOURCE_ARN = string({
  min: 1,
  max: 256,
  pattern: /arn:(aws[a-zA-Z-]*):lambda:.*/,
  location: 'uri',
});

/** The kind of resource an ARN names, or AWS's error for one tags cannot reach. */
export function taggableFor(c: LambdaContext, arn: string): Taggable {
  const t = c.taggables.find((x) => x.owns(arn));
  if (!t) throw InvalidParameterValue(`Tags are not supported for resource: ${arn}`);
  return t;
}
