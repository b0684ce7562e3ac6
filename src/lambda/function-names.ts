import type { AppContext } from '../server/context.js';
import { arn } from '../server/context.js';

/** A bare function name as CreateFunction accepts it. */
export const FUNCTION_NAME = /^[a-zA-Z0-9-_]{1,64}$/;

/**
 * FunctionName as the API accepts it: a name, `name:qualifier`, a partial ARN `ACCOUNT:function:name`, or a
 * full ARN, each optionally qualified (the service model's pattern).
 */
const NAME_OR_ARN =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?(?:([a-z]{2}(?:(?:-gov)|(?:-iso(?:[a-z]?)))?-[a-z]+-\d{1}):)?(?:(\d{12}):)?(function:)?([a-zA-Z0-9-_.]+)(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/;

export interface ParsedFunctionName {
  name: string;
  qualifier?: string;
  region?: string;
  account?: string;
}

/** Splits a FunctionName parameter; undefined when it matches none of the accepted forms. */
export function parseFunctionName(input: string): ParsedFunctionName | undefined {
  const m = NAME_OR_ARN.exec(input);
  if (!m) return undefined;
  const [, arnPrefix, , region, account, functionWord, name, qualifier] = m;
  // "a:b" without `function:` is name:qualifier; an ARN prefix needs `function:`.
  if (arnPrefix !== undefined && functionWord === undefined) return undefined;
  if (account !== undefined && functionWord === undefined) return undefined;
  return { name: name!, qualifier, region, account };
}

export function functionArn(ctx: AppContext, name: string, qualifier?: string): string {
  return arn(ctx, 'lambda', `function:${name}${qualifier !== undefined ? `:${qualifier}` : ''}`);
}
