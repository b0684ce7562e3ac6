import { operation } from '../../server/operations.js';
import { required, structure } from '../../server/shapes.js';
import type { KinesisContext } from '../kinesis-context.js';
import { kinesisResource, RESOURCE_ARN } from '../kinesis-resource.js';
import { NO_POLICY } from '../resource-policy.js';

/** GetResourcePolicy: the policy as it was put; `{}` when the resource has none. */
export const getResourcePolicy = operation({
  input: structure({ ResourceARN: required(RESOURCE_ARN) }),
  async run(k: KinesisContext, input) {
    return { Policy: kinesisResource(k, input.ResourceARN).read().policy ?? NO_POLICY };
  },
});
