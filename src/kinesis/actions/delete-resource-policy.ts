import { operation } from '../../server/operations.js';
import { required, structure } from '../../server/shapes.js';
import type { KinesisContext } from '../kinesis-context.js';
import { kinesisResource, RESOURCE_ARN } from '../kinesis-resource.js';

/** DeleteResourcePolicy: removes the resource's policy (a resource without one is left as it is). */
export const deleteResourcePolicy = operation({
  input: structure({ ResourceARN: required(RESOURCE_ARN) }),
  async run(k: KinesisContext, input) {
    await kinesisResource(k, input.ResourceARN).update((doc) => delete doc.policy);
  },
});
