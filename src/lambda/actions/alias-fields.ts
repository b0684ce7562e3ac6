import { randomUUID } from 'node:crypto';
import { double, map, string, structure } from '../../server/shapes.js';
import { functionNotFound, InvalidParameterValue, ResourceNotFound } from '../lambda-errors.js';
import type { LambdaContext } from '../lambda-context.js';
import type { AliasRecord } from '../model.js';

/** Shapes and rules the alias operations share (the service model's constraints, AWS's checks). */

/** {Name} of the alias paths and CreateAlias's Name: not all digits (that would be a version). */
export const ALIAS_NAME = string({ min: 1, max: 128, pattern: /(?!^[0-9]+$)([a-zA-Z0-9-_]+)/ });
export const FUNCTION_VERSION = string({ min: 1, max: 1024, pattern: /(\$LATEST|[0-9]+)/ });
export const ALIAS_DESCRIPTION = string({ min: 0, max: 256 });
export const ROUTING_CONFIG = structure({
  AdditionalVersionWeights: map(double({ check: weightRange }), {
    key: string({ min: 1, max: 1024, pattern: /[0-9]+/ }),
    typeName: 'map',
  }),
});

/** A weight is a share of invocations: the model's range [0.0, 1.0]. */
function weightRange(w: number): { value: unknown; constraint: string } | undefined {
  if (w < 0) return { value: w, constraint: 'Member must have value greater than or equal to 0.0' };
  if (w > 1) return { value: w, constraint: 'Member must have value less than or equal to 1.0' };
  return undefined;
}

/** AliasConfiguration as AWS shapes it. */
export function aliasConfiguration(c: LambdaContext, a: AliasRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    AliasArn: c.functions.arn(a.functionName, a.name),
    Name: a.name,
    FunctionVersion: a.functionVersion,
    Description: a.description,
    RevisionId: a.revisionId,
  };
  if (a.weights) out['RoutingConfig'] = { AdditionalVersionWeights: { ...a.weights } };
  return out;
}

/**
 * Checks a version an alias points at and its routing: the versions must exist, $LATEST cannot share
 * traffic, and an alias points at most at two versions (AWS's rules for weighted aliases).
 */
export function checkAliasTarget(
  c: LambdaContext,
  functionName: string,
  version: string,
  weights: Record<string, number> | undefined,
): Record<string, number> | undefined {
  const latest = c.functions.requireLatest(functionName);
  if (!c.functions.versionRecord(latest, version))
    throw functionNotFound(c.functions.arn(latest.name, version));
  if (weights === undefined || Object.keys(weights).length === 0) return undefined;
  const extra = Object.keys(weights);
  if (version === '$LATEST')
    throw InvalidParameterValue('$LATEST is not supported for an alias pointing to more than 1 version');
  if (extra.length > 1)
    throw InvalidParameterValue('Number of items in AdditionalVersionWeights cannot be greater than 1');
  const other = extra[0]!;
  if (other === version) {
    throw InvalidParameterValue(
      `Invalid function version ${other}. Function version ${other} is already included in routing configuration.`,
    );
  }
  if (!c.functions.versionRecord(latest, other)) throw functionNotFound(c.functions.arn(latest.name, other));
  return { [other]: weights[other]! };
}

/** A new alias document (a new RevisionId each time it changes). */
export function aliasRecord(
  functionName: string,
  name: string,
  version: string,
  description: string,
  weights: Record<string, number> | undefined,
  policy?: AliasRecord['policy'],
): AliasRecord {
  const a: AliasRecord = {
    functionName,
    name,
    functionVersion: version,
    description,
    revisionId: randomUUID(),
  };
  if (weights) a.weights = weights;
  if (policy) a.policy = policy;
  return a;
}

/** The alias, or AWS's ResourceNotFoundException for it. */
export function requireAlias(c: LambdaContext, functionName: string, name: string): AliasRecord {
  const latest = c.functions.requireLatest(functionName);
  const a = c.functions.aliases.get(latest.name, name);
  if (!a) throw ResourceNotFound(`Alias not found: ${c.functions.arn(latest.name, name)}`);
  return a;
}
