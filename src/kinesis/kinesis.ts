import type { AppContext, Component } from '../server/context.js';
import { rpcOperations, type AnyOperation } from '../server/operations.js';
import { rpcService } from '../server/protocols/rpc.js';
import { coralJsonDialect } from '../server/validation-coral.js';
import { addTagsToStream } from './actions/add-tags-to-stream.js';
import { createStream } from './actions/create-stream.js';
import { decreaseStreamRetentionPeriod } from './actions/decrease-stream-retention-period.js';
import { deleteResourcePolicy } from './actions/delete-resource-policy.js';
import { deleteStream } from './actions/delete-stream.js';
import { describeAccountSettings } from './actions/describe-account-settings.js';
import { describeLimits } from './actions/describe-limits.js';
import { describeStream } from './actions/describe-stream.js';
import { describeStreamSummary } from './actions/describe-stream-summary.js';
import { disableEnhancedMonitoring } from './actions/disable-enhanced-monitoring.js';
import { enableEnhancedMonitoring } from './actions/enable-enhanced-monitoring.js';
import { increaseStreamRetentionPeriod } from './actions/increase-stream-retention-period.js';
import { listStreams } from './actions/list-streams.js';
import { listTagsForResource } from './actions/list-tags-for-resource.js';
import { listTagsForStream } from './actions/list-tags-for-stream.js';
import { mergeShards } from './actions/merge-shards.js';
import { removeTagsFromStream } from './actions/remove-tags-from-stream.js';
import { splitShard } from './actions/split-shard.js';
import { startStreamEncryption } from './actions/start-stream-encryption.js';
import { stopStreamEncryption } from './actions/stop-stream-encryption.js';
import { tagResource } from './actions/tag-resource.js';
import { untagResource } from './actions/untag-resource.js';
import { updateAccountSettings } from './actions/update-account-settings.js';
import { updateShardCount } from './actions/update-shard-count.js';
import { updateStreamMode } from './actions/update-stream-mode.js';
import { updateStreamWarmThroughput } from './actions/update-stream-warm-throughput.js';
import { getRecords } from './actions/get-records.js';
import { getResourcePolicy } from './actions/get-resource-policy.js';
import { getShardIterator } from './actions/get-shard-iterator.js';
import { listShards } from './actions/list-shards.js';
import { putRecord } from './actions/put-record.js';
import { putRecords } from './actions/put-records.js';
import { putResourcePolicy } from './actions/put-resource-policy.js';
import { deregisterStreamConsumer } from './actions/deregister-stream-consumer.js';
import { describeStreamConsumer } from './actions/describe-stream-consumer.js';
import { listStreamConsumers } from './actions/list-stream-consumers.js';
import { registerStreamConsumer } from './actions/register-stream-consumer.js';
import { subscribeToShard } from './actions/subscribe-to-shard.js';
import { withFanOut } from './fan-out/fan-out.js';
import type { FanOutOptions } from './fan-out/options.js';
import { systemClock, type Clock } from '../server/clock.js';
import type { KinesisContext } from './kinesis-context.js';
import { KinesisEvents } from './kinesis-events.js';
import { iteratorCodecOf } from './iterators.js';
import { StreamRegistry } from './stream-registry.js';

/** Kinesis operations by X-Amz-Target name (`Kinesis_20131202.<Name>`). */
const OPERATIONS: Record<string, AnyOperation<KinesisContext>> = {
  AddTagsToStream: addTagsToStream,
  CreateStream: createStream,
  DecreaseStreamRetentionPeriod: decreaseStreamRetentionPeriod,
  DeleteResourcePolicy: deleteResourcePolicy,
  DeleteStream: deleteStream,
  DescribeAccountSettings: describeAccountSettings,
  DescribeLimits: describeLimits,
  DescribeStream: describeStream,
  DescribeStreamSummary: describeStreamSummary,
  DisableEnhancedMonitoring: disableEnhancedMonitoring,
  EnableEnhancedMonitoring: enableEnhancedMonitoring,
  GetRecords: getRecords,
  GetResourcePolicy: getResourcePolicy,
  GetShardIterator: getShardIterator,
  IncreaseStreamRetentionPeriod: increaseStreamRetentionPeriod,
  ListShards: listShards,
  ListStreams: listStreams,
  ListTagsForResource: listTagsForResource,
  ListTagsForStream: listTagsForStream,
  MergeShards: mergeShards,
  PutRecord: putRecord,
  PutRecords: putRecords,
  PutResourcePolicy: putResourcePolicy,
  RemoveTagsFromStream: removeTagsFromStream,
  SplitShard: splitShard,
  StartStreamEncryption: startStreamEncryption,
  StopStreamEncryption: stopStreamEncryption,
  TagResource: tagResource,
  UntagResource: untagResource,
  UpdateAccountSettings: updateAccountSettings,
  UpdateShardCount: updateShardCount,
  UpdateStreamMode: updateStreamMode,
  UpdateStreamWarmThroughput: updateStreamWarmThroughput,
  // Enhanced fan-out
  DeregisterStreamConsumer: deregisterStreamConsumer,
  DescribeStreamConsumer: describeStreamConsumer,
  ListStreamConsumers: listStreamConsumers,
  RegisterStreamConsumer: registerStreamConsumer,
  SubscribeToShard: subscribeToShard,
};

export interface Kinesis extends Component {
  readonly streams: StreamRegistry;
  /** Everything the component reports: stream lifecycle, appends, reshards, and the AWS/Kinesis metrics' inputs. */
  readonly events: KinesisEvents;
  /** Adds operations (enhanced fan-out registers its own). */
  readonly context: KinesisContext;
}

/**
 * `fanOut`: enhanced fan-out's timings and limits (AWS's by default). `clock`: the streams' and consumers' times
 * and transition delays (a virtual clock in tests: StartOptions.testHooks.kinesisClock).
 */
export function createKinesis(
  app: AppContext,
  options: { fanOut?: FanOutOptions; clock?: Clock } = {},
): Kinesis {
  const clock = options.clock ?? systemClock;
  const events = new KinesisEvents();
  const streams = new StreamRegistry(app, events, clock);
  const iterators = iteratorCodecOf(app.store);
  const context = withFanOut({ app, streams, events, iterators: iterators.codec }, options.fanOut, clock);
  const fanOut = context.fanOut;
  const operations = rpcOperations(
    { context, operations: OPERATIONS, dialect: coralJsonDialect, errors: app.errors },
    'kinesis',
  );
  return {
    name: 'kinesis',
    streams,
    events,
    context,
    services: [
      rpcService({
        name: 'kinesis',
        targetPrefix: 'Kinesis_20131202',
        jsonVersion: '1.1',
        cbor: true,
        frontEnd: true,
        operations,
      }),
    ],
    async start() {
      await iterators.save();
      streams.start();
      fanOut.start();
    },
    async close() {
      fanOut.close();
      streams.close();
    },
  };
}
