import { integer, string, structure } from '../../server/shapes.js';
import { eventInvokeConfigShape, type EventInvokeConfig } from '../event-invoke-config.js';
import { InvalidParameterValue, ResourceNotFound } from '../lambda-errors.js';
import type { LambdaContext } from '../lambda-context.js';
import type { Target } from '../versions.js';
import { FUNCTION_NAME_PATH, QUALIFIER } from './function-fields.js';

/** What the event invoke config operations share: their input members (the model's ranges) and checks. */
const DESTINATION = structure({ Destination: string({ min: 0, max: 350 }) });
export const EVENT_INVOKE_CONFIG_INPUT = {
  FunctionName: FUNCTION_NAME_PATH,
  Qualifier: QUALIFIER,
  MaximumRetryAttempts: integer({ min: 0, max: 2 }),
  MaximumEventAgeInSeconds: integer({ min: 60, max: 21600 }),
  DestinationConfig: structure({ OnSuccess: DESTINATION, OnFailure: DESTINATION }),
};

/** The configs' key: the qualifier addressed, `$LATEST` when none. */
export function configKey(t: Target): string {
  return t.qualifier ?? '$LATEST';
}

export function configArn(c: LambdaContext, t: Target): string {
  return c.functions.arn(t.record.name, configKey(t));
}

export function requireConfig(c: LambdaContext, t: Target): EventInvokeConfig {
  const e = c.eventInvokeConfigs.get(t.record.name, configKey(t));
  if (!e) throw ResourceNotFound(`The function ${configArn(c, t)} doesn't have an EventInvokeConfig`);
  return e;
}

export function shapeOf(c: LambdaContext, t: Target, e: EventInvokeConfig): Record<string, unknown> {
  return eventInvokeConfigShape(e, configArn(c, t));
}

/**
 * A destination Tributary can deliver to: an SQS queue or SNS topic that exists, or a Lambda function. Other
 * services' ARNs (EventBridge, S3) get a clear error instead of records that vanish.
 */
export function checkDestination(c: LambdaContext, arn: string | undefined): string | undefined {
  if (arn === undefined || arn === '') return undefined;
  if (/^arn:aws[a-zA-Z-]*:lambda:[^:]*:\d{12}:function:/.test(arn)) {
    if (!c.functions.resolve(arn)) throw InvalidParameterValue(`The destination ${arn} does not exist.`);
    return arn;
  }
  if (!/^arn:aws[a-zA-Z-]*:(sqs|sns):/.test(arn)) {
    throw InvalidParameterValue(
      `The destination ${arn} is not supported by Tributary: use an SQS queue, an SNS topic or a Lambda function.`,
    );
  }
  if (!c.destinations()?.exists(arn)) throw InvalidParameterValue(`The destination ${arn} does not exist.`);
  return arn;
}
