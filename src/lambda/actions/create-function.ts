import { operation } from '../../server/operations.js';
import { boolean, map, required, string, structure, unchecked } from '../../server/shapes.js';
import type { LambdaContext } from '../lambda-context.js';
import {
  ARCHITECTURES,
  CODE,
  CONFIGURATION,
  EPHEMERAL_STORAGE,
  environmentVariables,
  nameForCreate,
  requireRuntimeAndHandler,
  supportedRuntime,
  zipOf,
  configurationReply,
} from './function-fields.js';

/** CreateFunction (POST /2015-03-31/functions): 201 with the FunctionConfiguration. With `Publish`, version 1 is published at once and answered. */
export const createFunction = operation({
  input: structure({
    FunctionName: required(string({ min: 1, max: 140 })),
    ...CONFIGURATION,
    Role: required(CONFIGURATION.Role),
    PackageType: string({ enum: ['Zip', 'Image'] }),
    Architectures: ARCHITECTURES,
    EphemeralStorage: EPHEMERAL_STORAGE,
    // Tag values are kept as text, whatever JSON type they came as.
    Tags: map(unchecked(string())),
    Publish: boolean(),
    Code: required(structure(CODE)),
  }),
  async run(c: LambdaContext, input) {
    const name = nameForCreate(c, input.FunctionName);
    if (input.PackageType === 'Image') zipOf(input.Code); // reports that images are unsupported
    c.roles.checkAssumable(input.Role);
    const rt = supportedRuntime(input.Runtime);
    const handler = input.Handler;
    requireRuntimeAndHandler({ runtime: rt, handler });
    const variables = input.Environment === undefined ? undefined : environmentVariables(input.Environment);
    const bytes = zipOf(input.Code);
    // Checked (and the /opt built) before the code is stored: a bad layer leaves no function behind.
    const layers = await c.layers.attach(input.Layers ?? [], undefined);
    const tags: Record<string, string> = {};
    for (const [k, val] of Object.entries(input.Tags ?? {})) tags[k] = String(val);

    const record = await c.functions.create(
      {
        name,
        runtime: rt!,
        handler: handler!,
        role: input.Role,
        description: input.Description ?? '',
        timeout: input.Timeout ?? 3,
        memorySize: input.MemorySize ?? 128,
        environment: variables,
        tags,
        architectures: (input.Architectures as string[] | undefined) ?? ['x86_64'],
        ephemeralStorageMb: input.EphemeralStorage?.Size ?? 512,
        ...(layers.length > 0 ? { layers } : {}),
      },
      bytes,
    );
    // Publish: version 1 of what was just created, whose configuration is the answer.
    const answer = input.Publish === true ? await c.functions.publish(record.name, {}, true) : record;
    return configurationReply(c, answer, 201);
  },
});
