import { Validator } from '../../server/validator.js';
import { functionConfiguration } from '../function-configuration.js';
import type { ConfigurationPatch } from '../function-registry.js';
import type { LambdaContext, LambdaReply, LambdaRequest } from '../lambda-context.js';
import {
  environmentField,
  ephemeralStorageField,
  HANDLER,
  memoryField,
  pathFunctionName,
  requireRuntimeAndHandler,
  ROLE_ARN,
  runtimeField,
  timeoutField,
} from './function-fields.js';

/**
 * UpdateFunctionConfiguration (PUT /2015-03-31/functions/{FunctionName}/configuration). Only the given
 * fields change; Environment replaces the whole variable set. Warm workers of the old configuration are
 * retired (they finish what they run), so the next invoke starts with the new settings.
 */
export async function updateFunctionConfiguration(
  c: LambdaContext,
  req: LambdaRequest,
): Promise<LambdaReply> {
  const input = req.input();
  const v = new Validator(input);
  const name = pathFunctionName(v, req, false);
  const runtime = runtimeField(v, false);
  const role = v.string('Role', { pattern: ROLE_ARN });
  const handler = v.string('Handler', { min: 0, max: 128, pattern: HANDLER });
  const description = v.string('Description', { min: 0, max: 256 });
  const timeout = timeoutField(v);
  const memorySize = memoryField(v);
  const environment = environmentField(v);
  const ephemeral = ephemeralStorageField(v);
  const revisionId = v.string('RevisionId');
  v.check();
  const current = c.functions.require(name);
  const patch: ConfigurationPatch = {};
  const rt = runtime();
  if (rt !== undefined) patch.runtime = rt;
  if (role !== undefined) patch.role = role;
  if (handler !== undefined) patch.handler = handler;
  if (description !== undefined) patch.description = description;
  if (timeout !== undefined) patch.timeout = timeout;
  if (memorySize !== undefined) patch.memorySize = memorySize;
  if (ephemeral !== undefined) patch.ephemeralStorageMb = ephemeral;
  if (input['Environment'] !== undefined) patch.environment = environment();
  requireRuntimeAndHandler({
    runtime: patch.runtime ?? current.runtime,
    handler: patch.handler ?? current.handler,
  });
  const record = await c.functions.updateConfiguration(current.name, patch, revisionId);
  return {
    status: 200,
    json: functionConfiguration(record, c.functions.arn(record.name), c.app.options.region),
  };
}
