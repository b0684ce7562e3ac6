import { testAccess, type App } from '../../src/app/app.js';

/**
 * What tests (and benches) observe or steer inside a running server, beyond its public faces: the components'
 * event buses, the worker fleet and concurrency limiter, the stream registry, the mappings, the queues, the metric
 * store. Reached through the App's and the Lambda component's test-only accessors here and nowhere else.
 */
export function hooks(app: App) {
  const { kinesis, lambda, mappings, sqs, sns, cloudwatch, iam } = app[testAccess];
  const lambdaParts = lambda[testAccess];
  return {
    lambdaEvents: lambda.events,
    functions: lambda.functions,
    fleet: lambdaParts.fleet,
    limiter: lambdaParts.limiter,
    logs: lambdaParts.logs,
    asyncInvocations: lambdaParts.asyncInvocations,
    /** Where function code and logs live. */
    lambdaRoot: lambdaParts.root,
    streams: kinesis.streams,
    kinesisEvents: kinesis.events,
    kinesisContext: kinesis.context,
    /** The event source mappings: their events (`batch`, `state`, `discard`...) and their metadata (get, list). */
    mappings,
    /** The SQS component (its queues, its services, on-failure delivery) and the SNS component. */
    sqs,
    sns,
    metricStore: cloudwatch.store,
    metricRecorder: cloudwatch.recorder,
    /** The default account's STS sessions by access key id (a test ends one by setting its Expiration). */
    stsSessions: iam.default.sessions,
  };
}
