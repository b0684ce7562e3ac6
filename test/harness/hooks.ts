import { testAccess, type App } from '../../src/app/app.js';

/**
 * What tests (and benches) observe or steer inside a running server, beyond its public faces: the components'
 * event buses, the worker fleet and concurrency limiter, the stream registry, the metric store. Reached through the
 * App's test-only accessor here and nowhere else.
 */
export function hooks(app: App) {
  const { kinesis, lambda, cloudwatch } = app[testAccess];
  return {
    lambdaEvents: lambda.events,
    functions: lambda.functions,
    fleet: lambda.fleet,
    limiter: lambda.limiter,
    logs: lambda.logs,
    asyncInvocations: lambda.asyncInvocations,
    /** Where function code and logs live. */
    lambdaRoot: lambda.root,
    streams: kinesis.streams,
    kinesisEvents: kinesis.events,
    kinesisContext: kinesis.context,
    metricStore: cloudwatch.store,
    metricRecorder: cloudwatch.recorder,
  };
}
