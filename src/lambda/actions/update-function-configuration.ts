import { operation } from '../../server/operations.js';
import { string, structure } from '../../server/shapes.js';
import type { ConfigurationPatch } from '../model.js';
import type { LambdaContext } from '../lambda-context.js';
import {
  CONFIGURATION,
  EPHEMERAL_STORAGE,
  environmentVariables,
  requireRuntimeAndHandler,
  supportedRuntime,
  UNQUALIFIED_FUNCTION_NAME_PATH,
  configurationReply,
} from './function-fields.js';

/**
 * UpdateFunctionConfiguration (PUT /2015-03-31/functions/{FunctionName}/configuration). Only the given
 * fields change; Environment replaces the whole variable set. Warm workers of the old configuration are
 * retired (they finish what they run), so the next invoke starts with the new settings.
 */
export const updateFunctionConfiguration = operation({
  input: structure({
    FunctionName: UNQUALIFIED_FUNCTION_NAME_PATH,
    ...CONFIGURATION,
    EphemeralStorage: EPHEMERAL_STORAGE,
    RevisionId: string(),
  }),
  async run(c: LambdaContext, input) {
    const current = c.functions.requireLatest(input.FunctionName);
    const patch: ConfigurationPatch = {};
    const rt = supportedRuntime(input.Runtime);
    if (rt !== undefined) patch.runtime = rt;
    if (input.Role !== undefined) {
      c.roles.checkAssumable(input.Role);
      patch.role = input.Role;
    }
    if (input.Handler !== undefined) patch.handler = input.Handler;
    if (input.Description !== undefined) patch.description = input.Description;
    if (input.Timeout !== undefined) patch.timeout = input.Timeout;
    if (input.MemorySize !== undefined) patch.memorySize = input.MemorySize;
    if (input.EphemeralStorage !== undefined) patch.ephemeralStorageMb = input.EphemeralStorage.Size;
    if (input.Environment !== undefined) patch.environment = environmentVariables(input.Environment);
    if (input.Layers !== undefined)
      patch.layers = await c.layers.attach(input.Layers, c.functions.codeDir(current));
    requireRuntimeAndHandler({
      runtime: patch.runtime ?? current.runtime,
      handler: patch.handler ?? current.handler,
    });
    const record = await c.functions.updateConfiguration(current.name, patch, input.RevisionId);
    return configurationReply(c, record, 200);
  },
});
