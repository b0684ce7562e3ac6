import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import type { KinesisContext } from '../kinesis-context.js';
import { kinesisResource, RESOURCE_ARN } from '../kinesis-resource.js';
import { checkPolicy } from '../resource-policy.js';

/** PutResourcePolicy: attaches (or replaces) a stream's or consumer's policy; kept, not evaluated (resource-policy.ts). */
export const putResourcePolicy = operation({
  input: structure({ ResourceARN: required(RESOURCE_ARN), Policy: required(string()) }),
  async run(k: KinesisContext, input) {
    const r = kinesisResource(k, input.ResourceARN);
    checkPolicy(input.Policy);
    await r.update((doc) => (doc.policy = input.Policy));
  },
});
