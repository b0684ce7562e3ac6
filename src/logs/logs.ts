import type { AppContext, Component } from '../server/context.js';
import { systemClock, type Clock } from '../server/clock.js';
import { rpcOperations, type AnyOperation, type OperationsHost } from '../server/operations.js';
import { rpcService } from '../server/protocols/rpc.js';
import { createLogGroup } from './actions/create-log-group.js';
import { createLogStream } from './actions/create-log-stream.js';
import { deleteLogGroup } from './actions/delete-log-group.js';
import { deleteLogStream } from './actions/delete-log-stream.js';
import { deleteRetentionPolicy } from './actions/delete-retention-policy.js';
import { describeLogGroups } from './actions/describe-log-groups.js';
import { describeLogStreams } from './actions/describe-log-streams.js';
import { filterLogEvents } from './actions/filter-log-events.js';
import { getLogEvents } from './actions/get-log-events.js';
import { putLogEvents } from './actions/put-log-events.js';
import { putRetentionPolicy } from './actions/put-retention-policy.js';
import { tagResource } from './actions/tag-resource.js';
import { untagResource } from './actions/untag-resource.js';
import { listTagsForResource } from './actions/list-tags-for-resource.js';
import { tagLogGroup } from './actions/tag-log-group.js';
import { untagLogGroup } from './actions/untag-log-group.js';
import { listTagsLogGroup } from './actions/list-tags-log-group.js';
import { LOGS_DIALECT } from './errors.js';
import { FunctionLogSink, type FunctionLogSource } from './function-log-sink.js';
import { LogStore } from './log-store.js';
import type { LogsContext } from './logs-context.js';
import { compileLogsOptions, type LogsOptions } from './options.js';

/** The JSON target prefix (AWS JSON 1.1: @aws-sdk/client-cloudwatch-logs, boto3, the AWS CLI). */
const TARGET_PREFIX = 'Logs_20140328';

const OPERATIONS: Record<string, AnyOperation<LogsContext>> = {
  CreateLogGroup: createLogGroup,
  DescribeLogGroups: describeLogGroups,
  DeleteLogGroup: deleteLogGroup,
  PutRetentionPolicy: putRetentionPolicy,
  DeleteRetentionPolicy: deleteRetentionPolicy,
  CreateLogStream: createLogStream,
  DescribeLogStreams: describeLogStreams,
  DeleteLogStream: deleteLogStream,
  GetLogEvents: getLogEvents,
  FilterLogEvents: filterLogEvents,
  PutLogEvents: putLogEvents,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
  TagLogGroup: tagLogGroup,
  UntagLogGroup: untagLogGroup,
  ListTagsLogGroup: listTagsLogGroup,
};

export interface Logs extends Component {
  readonly store: LogStore;
  /** Stores the function lines received so far (tests, before reading the store directly). */
  flush(): Promise<void>;
}

/**
 * CloudWatch Logs: log groups, streams and events, durable in the data dir (nothing on disk with --in-memory),
 * bounded by each group's retention and by `maxStoredBytes` over all; functions' output is filed under
 * `/aws/lambda/<function>`, one stream per worker.
 */
export function createLogs(
  app: AppContext,
  functionLines: FunctionLogSource,
  opts: LogsOptions = {},
  clock: Clock = systemClock,
): Logs {
  const options = compileLogsOptions(opts);
  const store = new LogStore(app.store, app.log, { maxStoredBytes: options.maxStoredBytes });
  const sink = new FunctionLogSink(functionLines, store, clock, app.log);
  const context: LogsContext = {
    store,
    clock,
    region: app.options.region,
    account: app.options.account,
    flush: () => sink.flush(),
  };
  const host: OperationsHost<LogsContext> = {
    context,
    operations: OPERATIONS,
    dialect: LOGS_DIALECT,
    errors: app.errors,
  };
  let stopSweep: (() => void) | undefined;
  return {
    name: 'logs',
    store,
    flush: () => sink.flush(),
    services: [
      rpcService({
        name: 'logs',
        targetPrefix: TARGET_PREFIX,
        jsonVersion: '1.1',
        operations: rpcOperations(host, 'logs'),
      }),
    ],
    async start() {
      store.start();
      await store.sweep(clock.now());
      stopSweep = clock.every(options.retentionSweepMs, () => {
        store
          .sweep(clock.now())
          .catch((err: unknown) => app.log.error({ err }, 'removing expired log events failed'));
      });
    },
    async close() {
      stopSweep?.();
      await sink.close();
      await store.idle();
    },
  };
}
