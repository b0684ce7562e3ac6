import { Validator } from '../../server/validator.js';
import { functionConfiguration } from '../function-configuration.js';
import type { LambdaContext, LambdaReply, LambdaRequest } from '../lambda-context.js';
import {
  architecturesField,
  environmentField,
  ephemeralStorageField,
  HANDLER,
  memoryField,
  nameForCreate,
  requireRuntimeAndHandler,
  ROLE_ARN,
  runtimeField,
  timeoutField,
  zipFromCode,
} from './function-fields.js';

/** CreateFunction (POST /2015-03-31/functions): 201 with the FunctionConfiguration. `Publish` is accepted and ignored ($LATEST only). */
export async function createFunction(c: LambdaContext, req: LambdaRequest): Promise<LambdaReply> {
  const input = req.input();
  const v = new Validator(input);
  const rawName = v.string('FunctionName', { required: true, min: 1, max: 140 });
  const runtime = runtimeField(v, false);
  const role = v.string('Role', { required: true, pattern: ROLE_ARN });
  const handler = v.string('Handler', { min: 0, max: 128, pattern: HANDLER });
  const description = v.string('Description', { min: 0, max: 256 });
  const timeout = timeoutField(v);
  const memorySize = memoryField(v);
  const environment = environmentField(v);
  const packageType = v.enumeration('PackageType', ['Zip', 'Image']);
  const architectures = architecturesField(v);
  const ephemeral = ephemeralStorageField(v);
  const tagsIn = v.map('Tags');
  v.boolean('Publish');
  const code = v.map('Code');
  if (code === undefined) v.fail('code', null, 'Member must not be null');
  const zip = zipFromCode(v, code, 'code');
  v.check();

  const name = nameForCreate(c, rawName!);
  if (packageType === 'Image') zip(); // reports that images are unsupported
  const rt = runtime();
  requireRuntimeAndHandler({ runtime: rt, handler });
  const variables = environment();
  const bytes = zip();
  const tags: Record<string, string> = {};
  for (const [k, val] of Object.entries(tagsIn ?? {})) tags[k] = String(val);

  const record = await c.functions.create(
    {
      name,
      runtime: rt!,
      handler: handler!,
      role: role!,
      description: description ?? '',
      timeout: timeout ?? 3,
      memorySize: memorySize ?? 128,
      environment: variables,
      tags,
      architectures: architectures ?? ['x86_64'],
      ephemeralStorageMb: ephemeral ?? 512,
    },
    bytes,
  );
  return {
    status: 201,
    json: functionConfiguration(record, c.functions.arn(record.name), c.app.options.region),
  };
}
