import type { ExecutionRoles } from '../iam/execution-roles.js';
import type { Registry } from 'prom-client';
import type { AppContext, Component } from '../server/context.js';
import type { Service } from '../server/http-types.js';
import { createKinesis, type Kinesis } from '../kinesis/kinesis.js';
import { Mappings } from '../mappings/mappings.js';
import type { DestinationSender } from '../mappings/engine/failure-sink.js';
import { createSqs, type Sqs } from '../sqs/sqs.js';
import { createSns, type Sns, type SnsDeps } from '../sns/sns.js';
import { createLambda, type Lambda } from '../lambda/lambda.js';
import { lambdaRestService } from '../lambda/rest-service.js';
import { createCloudWatch, type CloudWatch } from '../cloudwatch/cloudwatch.js';
import { createLogs, type Logs } from '../logs/logs.js';
import type { StartOptions } from './app.js';

/**
 * One region's components: its streams, functions, mappings, queues, topics and metrics, as AWS keeps them apart
 * per region. Each region has its own instances over its part of the store (see `Regions`), with `ctx.options.region`
 * its region, so every ARN, event (`awsRegion`) and function environment (`AWS_REGION`) names it.
 */
export interface RegionComponents {
  readonly region: string;
  readonly ctx: AppContext;
  readonly kinesis: Kinesis;
  readonly sqs: Sqs;
  readonly lambda: Lambda;
  readonly sns: Sns;
  readonly mappings: Mappings;
  readonly cloudwatch: CloudWatch;
  readonly logs: Logs;
  /** In start order; closed in reverse. */
  readonly components: readonly Component[];
  /** Every API service, in routing order: the same services in the same order in every region. */
  readonly services: readonly Service[];
}

/** How a region reaches the others: by the region an ARN names. */
export interface RegionLinks {
  /** The components of the region an ARN names, when that is another region that has components. */
  elsewhere(arn: string): RegionComponents | undefined;
}

/**
 * Builds a region's components. What crosses regions goes by ARN through `links`, as AWS allows it: SNS delivers to
 * queues and functions of any region, and mappings' and async invocations' destinations are queues and topics of
 * any region. `metrics` is the Prometheus registry their metrics are mirrored in.
 */
export function buildRegion(
  ctx: AppContext,
  opts: StartOptions,
  metrics: Registry,
  links: RegionLinks,
  roles: ExecutionRoles,
): RegionComponents {
  // Construction order is dependency order: each component gets the ones it calls, already built.
  const kinesis = createKinesis(ctx, { fanOut: opts.fanOut, clock: opts.testHooks?.kinesisClock });
  const sqs = createSqs(ctx);
  const lambda = createLambda(
    ctx,
    opts.lambda ?? {},
    { aliasRandom: opts.testHooks?.aliasRandom, asyncClock: opts.testHooks?.lambdaAsyncClock },
    roles,
  );
  const logs = createLogs(ctx, lambda.events, opts.logs);
  const queues: SnsDeps['sqs'] = {
    sendMessage: (arn, body, options) => (links.elsewhere(arn)?.sqs ?? sqs).sendMessage(arn, body, options),
    exists: (arn) => (links.elsewhere(arn)?.sqs ?? sqs).exists(arn),
  };
  const functions: NonNullable<SnsDeps['invoker']> = {
    invokeAsync: (arn, payload) => (links.elsewhere(arn)?.lambda ?? lambda).invokeAsync(arn, payload),
  };
  const sns = createSns(ctx, { sqs: queues, invoker: functions });
  // Async invocations' and mappings' destinations are queues and topics, which SNS routes (Lambda sits below both).
  const sender: DestinationSender = {
    exists: (arn) => (links.elsewhere(arn)?.sns ?? sns).destinations.exists(arn),
    send: (arn, body) => (links.elsewhere(arn)?.sns ?? sns).destinations.send(arn, body),
  };
  lambda.connectDestinations(sender);
  const mappings = new Mappings(ctx, {
    streams: kinesis.streams,
    kinesis: kinesis.context,
    invoker: lambda,
    destinations: sender,
    roles,
    options: opts.mappings,
    recordAgeScale: opts.testHooks?.recordAgeScale,
    clock: opts.testHooks?.mappingsClock,
  });
  // Lambda's tag operations reach mappings by their ARN too.
  lambda.addTaggable(mappings.taggable);
  const cloudwatch = createCloudWatch(
    ctx,
    metrics,
    { streams: kinesis.events, mappings, lambda: lambda.events },
    opts.cloudwatch,
    opts.testHooks?.metricsClock,
  );
  // Lambda's REST API is one service on one route table: functions (Lambda) and event source mappings (Mappings)
  // each contribute their routes, assembled here where both exist. Mappings is built after Lambda (it invokes
  // functions), so Lambda cannot be handed the mappings' routes, and neither imports the other's.
  const lambdaApi = lambdaRestService([lambda.lambdaRoutes, mappings.lambdaRoutes]);
  // Lambda starts before and closes after its callers (mappings, SNS).
  // CloudWatch is first so it closes last, keeping the metrics the others emit while stopping; Logs closes after
  // Lambda, storing the lines its workers write while they stop.
  const components: Component[] = [cloudwatch, logs, kinesis, lambda, mappings, sqs, sns];
  // X-Amz-Target services, then the path-based Lambda API, then the query services (which claim any request with
  // an Action parameter, whatever its path).
  const services: Service[] = [];
  for (const c of components) {
    services.push(...c.services);
    if (c === mappings) services.push(lambdaApi);
  }
  return {
    region: ctx.options.region,
    ctx,
    kinesis,
    sqs,
    lambda,
    sns,
    mappings,
    cloudwatch,
    logs,
    components,
    services,
  };
}
