import type { Store } from '../store/store.js';
import { PerFunctionDocs } from './per-function-docs.js';

/**
 * A function's asynchronous invocation settings for one qualifier (`$LATEST`, a version or an alias), as
 * Put/UpdateFunctionEventInvokeConfig set them (namespace `lambda.event-invoke-config`, id `function:qualifier`).
 * Unset members fall back to Lambda's defaults: 2 retries, 6 hours of event age, no destination.
 */
export interface EventInvokeConfig {
  qualifier: string;
  maximumRetryAttempts?: number;
  maximumEventAgeInSeconds?: number;
  onSuccess?: string;
  onFailure?: string;
  /** Epoch seconds (LastModified is a timestamp in this API). */
  lastModified: number;
}

export const EVENT_INVOKE_CONFIG_NS = 'lambda.event-invoke-config';

export function openEventInvokeConfigs(store: Store): PerFunctionDocs<EventInvokeConfig> {
  return new PerFunctionDocs<EventInvokeConfig>(store, EVENT_INVOKE_CONFIG_NS);
}

/** FunctionEventInvokeConfig as AWS shapes it (FunctionArn always qualified, `$LATEST` included). */
export function eventInvokeConfigShape(e: EventInvokeConfig, functionArn: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    LastModified: e.lastModified,
    FunctionArn: functionArn,
    DestinationConfig: {
      OnSuccess: e.onSuccess === undefined ? {} : { Destination: e.onSuccess },
      OnFailure: e.onFailure === undefined ? {} : { Destination: e.onFailure },
    },
  };
  if (e.maximumRetryAttempts !== undefined) out['MaximumRetryAttempts'] = e.maximumRetryAttempts;
  if (e.maximumEventAgeInSeconds !== undefined) out['MaximumEventAgeInSeconds'] = e.maximumEventAgeInSeconds;
  return out;
}

/** Where an async invocation's record goes (SQS queue, SNS topic: routed by the component that owns them). */
export interface AsyncDestinations {
  exists(arn: string): boolean;
  send(arn: string, body: string): Promise<void>;
}
