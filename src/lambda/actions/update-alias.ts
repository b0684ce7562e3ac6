import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import { checkRevision } from '../lambda-errors.js';
import type { LambdaContext } from '../lambda-context.js';
import { UNQUALIFIED_FUNCTION_NAME_PATH } from './function-fields.js';
import {
  ALIAS_DESCRIPTION,
  ALIAS_NAME,
  aliasConfiguration,
  aliasRecord,
  checkAliasTarget,
  FUNCTION_VERSION,
  requireAlias,
  ROUTING_CONFIG,
} from './alias-fields.js';

/**
 * UpdateAlias (PUT /2015-03-31/functions/{FunctionName}/aliases/{Name}): only the given fields change;
 * RoutingConfig with no weights removes the split. Invocations through the alias, event source mappings on its
 * ARN included, run the new version from the next one on.
 */
export const updateAlias = operation({
  input: structure({
    FunctionName: UNQUALIFIED_FUNCTION_NAME_PATH,
    Name: required({ ...ALIAS_NAME, location: 'uri' }),
    FunctionVersion: FUNCTION_VERSION,
    Description: ALIAS_DESCRIPTION,
    RoutingConfig: ROUTING_CONFIG,
    RevisionId: string(),
  }),
  async run(c: LambdaContext, input) {
    const current = requireAlias(c, input.FunctionName, input.Name);
    checkRevision(input.RevisionId, current.revisionId);
    const version = input.FunctionVersion ?? current.functionVersion;
    const weights =
      input.RoutingConfig === undefined ? current.weights : input.RoutingConfig.AdditionalVersionWeights;
    const checked = checkAliasTarget(c, current.functionName, version, weights);
    const a = aliasRecord(
      current.functionName,
      current.name,
      version,
      input.Description ?? current.description,
      checked,
      current.policy,
    );
    await c.functions.aliases.put(a.functionName, a.name, a);
    return { status: 200, json: aliasConfiguration(c, a) };
  },
});
