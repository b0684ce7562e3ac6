import { operation } from '../../server/operations.js';
import { integer, required, structure } from '../../server/shapes.js';
import { InvalidParameterValue } from '../lambda-errors.js';
import type { LambdaContext, LambdaReply } from '../lambda-context.js';
import { UNQUALIFIED_FUNCTION_NAME_PATH } from './function-fields.js';

/**
 * PutFunctionConcurrency (PUT /2017-10-31/functions/{FunctionName}/concurrency): caps the function's
 * concurrent invocations (0 throttles every invoke) and sets them aside from the account's concurrency. It
 * applies at once to all callers, mappings included.
 */
export const putFunctionConcurrency = operation({
  input: structure({
    FunctionName: UNQUALIFIED_FUNCTION_NAME_PATH,
    ReservedConcurrentExecutions: required(integer({ min: 0 })),
  }),
  run: (c: LambdaContext, input) => reserve(c, input.FunctionName, input.ReservedConcurrentExecutions),
});

async function reserve(c: LambdaContext, name: string, reserved: number): Promise<LambdaReply> {
  const r = c.functions.requireLatest(name);
  const current = r.reservedConcurrency ?? 0;
  // AWS's rule: reservations leave at least 100 (or the whole account, if smaller) unreserved. Checked and set
  // with no await in between, so two concurrent calls cannot both pass on the same headroom. A decrease always
  // passes (it can only help an account over-reserved by a restart with a lower --account-concurrency).
  if (
    reserved > current &&
    c.limiter.limit - (c.functions.reservedTotal - current + reserved) < c.limiter.minUnreserved
  ) {
    throw InvalidParameterValue(
      `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${c.limiter.minUnreserved}].`,
    );
  }
  const updated = await c.functions.setReservedConcurrency(r.name, reserved);
  // Less (or more) is reserved now: any function's queued Event invocations may fit.
  c.asyncInvocations.wakeAll();
  return { status: 200, json: { ReservedConcurrentExecutions: updated.reservedConcurrency } };
}
