import { InvalidArgument } from '../server/errors.js';

/**
 * Resource-based policies of streams and consumers (Put/Get/DeleteResourcePolicy). Tributary keeps the document
 * as given and answers it back; it does not evaluate it (with `--iam enforce` a request is judged by the caller's
 * own policies alone, and another account's resource stays out of reach: api-authorizer.ts).
 */

/** A resource without a policy answers `{}` (what AWS's GetResourcePolicy returns then). */
export const NO_POLICY = '{}';

/**
 * The policy must be a JSON policy document with statements ("It must include the identity of the principal and
 * the actions allowed on this resource", PutResourcePolicy's API reference).
 */
export function checkPolicy(policy: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(policy);
  } catch (err) {
    throw InvalidArgument(`Invalid policy document: ${(err as Error).message}`);
  }
  const statements =
    typeof doc === 'object' && doc !== null ? (doc as { Statement?: unknown }).Statement : undefined;
  const list = Array.isArray(statements) ? statements : statements === undefined ? [] : [statements];
  if (list.length === 0) throw InvalidArgument('Invalid policy document: it has no Statement.');
  for (const s of list) {
    const st = typeof s === 'object' && s !== null ? (s as Record<string, unknown>) : {};
    if (st['Principal'] === undefined && st['NotPrincipal'] === undefined)
      throw InvalidArgument('Invalid policy document: a statement names no Principal.');
    if (st['Action'] === undefined && st['NotAction'] === undefined)
      throw InvalidArgument('Invalid policy document: a statement names no Action.');
    if (st['Effect'] !== 'Allow' && st['Effect'] !== 'Deny')
      throw InvalidArgument("Invalid policy document: a statement's Effect must be Allow or Deny.");
  }
}
