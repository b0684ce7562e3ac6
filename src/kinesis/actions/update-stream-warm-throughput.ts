import { InvalidArgument, LimitExceeded } from '../../server/errors.js';
import { operation } from '../../server/operations.js';
import { integer, required, structure } from '../../server/shapes.js';
import { AccountSettings } from '../account-settings.js';
import { STREAM_TARGET, streamName, type KinesisContext } from '../kinesis-context.js';
import { warmThroughputOf } from '../warm-throughput.js';

/** "By default, you cannot ... scale to more than 10 GiBps for an on-demand stream" (the API reference). */
const MAX_WARM_MIBPS = 10 * 1024;

/**
 * UpdateStreamWarmThroughput: the write throughput an ON_DEMAND stream is kept ready for, in an account with the
 * minimum throughput billing commitment enabled (AWS's conditions, its API reference). The stream is UPDATING
 * meanwhile; the target is the current value once it is ACTIVE again. Recorded and reported: Tributary does not
 * throttle writes, so no throughput is modelled.
 */
export const updateStreamWarmThroughput = operation({
  input: structure({
    StreamARN: STREAM_TARGET.StreamARN,
    StreamName: STREAM_TARGET.StreamName,
    WarmThroughputMiBps: required(integer({ min: 0 })),
  }),
  async run(k: KinesisContext, input) {
    const name = streamName(k, input);
    const target = input.WarmThroughputMiBps;
    const meta = k.streams.getVisible(name);
    if (meta.mode !== 'ON_DEMAND') {
      throw InvalidArgument(
        `Stream ${name} under account ${k.streams.account} is in PROVISIONED mode. Warm throughput is only supported for on-demand streams.`,
      );
    }
    if (new AccountSettings(k.app.store, k.streams.clock).status() === 'DISABLED') {
      throw InvalidArgument(
        `Warm throughput requires the minimum throughput billing commitment to be enabled for account ${k.streams.account}.`,
      );
    }
    if (target > MAX_WARM_MIBPS) {
      throw LimitExceeded(
        `Requested warm throughput ${target} MiBps for stream ${name} exceeds the limit of ${MAX_WARM_MIBPS} MiBps.`,
      );
    }
    await k.streams.updateSettings(name, (m) => {
      m.warmThroughput = { previousMiBps: warmThroughputOf(m)?.CurrentMiBps ?? 0, targetMiBps: target };
    });
    const after = k.streams.get(name);
    return { StreamARN: after.arn, StreamName: after.name, WarmThroughput: warmThroughputOf(after) };
  },
});
