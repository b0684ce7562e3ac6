import { operation } from '../../server/operations.js';
import { required, structure } from '../../server/shapes.js';
import { ResourceConflict } from '../lambda-errors.js';
import type { LambdaContext } from '../lambda-context.js';
import { UNQUALIFIED_FUNCTION_NAME_PATH } from './function-fields.js';
import {
  ALIAS_DESCRIPTION,
  ALIAS_NAME,
  aliasConfiguration,
  aliasRecord,
  checkAliasTarget,
  FUNCTION_VERSION,
  ROUTING_CONFIG,
} from './alias-fields.js';

/**
 * CreateAlias (POST /2015-03-31/functions/{FunctionName}/aliases): 201 with the AliasConfiguration. An alias
 * names a version (or $LATEST); with RoutingConfig it sends a share of invocations to a second version.
 */
export const createAlias = operation({
  input: structure({
    FunctionName: UNQUALIFIED_FUNCTION_NAME_PATH,
    Name: required(ALIAS_NAME),
    FunctionVersion: required(FUNCTION_VERSION),
    Description: ALIAS_DESCRIPTION,
    RoutingConfig: ROUTING_CONFIG,
  }),
  async run(c: LambdaContext, input) {
    const latest = c.functions.requireLatest(input.FunctionName);
    const fn = latest.name;
    if (c.functions.aliases.get(fn, input.Name))
      throw ResourceConflict(`Alias already exists: ${c.functions.arn(fn, input.Name)}`);
    const weights = checkAliasTarget(
      c,
      fn,
      input.FunctionVersion,
      input.RoutingConfig?.AdditionalVersionWeights,
    );
    const a = aliasRecord(fn, input.Name, input.FunctionVersion, input.Description ?? '', weights);
    await c.functions.aliases.put(fn, a.name, a);
    return { status: 201, json: aliasConfiguration(c, a) };
  },
});
