import { operation } from '../../server/operations.js';
import { structure, type Infer } from '../../server/shapes.js';
import type { EventInvokeConfig } from '../event-invoke-config.js';
import type { LambdaContext, LambdaReply } from '../lambda-context.js';
import {
  checkDestination,
  configKey,
  EVENT_INVOKE_CONFIG_INPUT,
  requireConfig,
  shapeOf,
} from './event-invoke-config-fields.js';

const INPUT = structure(EVENT_INVOKE_CONFIG_INPUT);

/**
 * PutFunctionEventInvokeConfig (PUT /2019-09-25/functions/{FunctionName}/event-invoke-config): replaces the
 * async settings of $LATEST, a version or an alias (Qualifier); members left out go back to their defaults.
 */
export const putFunctionEventInvokeConfig = operation({
  input: INPUT,
  run: (c: LambdaContext, input) => save(c, input, false),
});

/** UpdateFunctionEventInvokeConfig (POST, same path): only the members given change. */
export const updateFunctionEventInvokeConfig = operation({
  input: INPUT,
  run: (c: LambdaContext, input) => save(c, input, true),
});

async function save(c: LambdaContext, input: Infer<typeof INPUT>, merge: boolean): Promise<LambdaReply> {
  const t = c.functions.require(input.FunctionName, input.Qualifier);
  const base: Partial<EventInvokeConfig> = merge ? { ...requireConfig(c, t) } : {};
  const next: EventInvokeConfig = { ...base, qualifier: configKey(t), lastModified: Date.now() / 1000 };
  if (input.MaximumRetryAttempts !== undefined) next.maximumRetryAttempts = input.MaximumRetryAttempts;
  if (input.MaximumEventAgeInSeconds !== undefined)
    next.maximumEventAgeInSeconds = input.MaximumEventAgeInSeconds;
  const d = input.DestinationConfig;
  if (d?.OnSuccess !== undefined) {
    const arn = checkDestination(c, d.OnSuccess.Destination);
    if (arn === undefined) delete next.onSuccess;
    else next.onSuccess = arn;
  }
  if (d?.OnFailure !== undefined) {
    const arn = checkDestination(c, d.OnFailure.Destination);
    if (arn === undefined) delete next.onFailure;
    else next.onFailure = arn;
  }
  await c.eventInvokeConfigs.put(t.record.name, next.qualifier, next);
  return { status: 200, json: shapeOf(c, t, next) };
}
