import { operation } from '../../server/operations.js';
import { integer, required, string, structure } from '../../server/shapes.js';
import { STREAM_ARN, streamOfArn, type KinesisContext } from '../kinesis-context.js';
import type { StreamMode } from '../model.js';

const MODES: readonly StreamMode[] = ['PROVISIONED', 'ON_DEMAND'];

/**
 * UpdateStreamMode: PROVISIONED <-> ON_DEMAND. The stream keeps its shards and is UPDATING for the transition
 * delay; an ON_DEMAND stream counts against the account's on-demand stream limit (LimitExceededException), and
 * refuses the resharding operations (ValidationException), as on AWS.
 */
export const updateStreamMode = operation({
  input: structure({
    StreamARN: required(string({ min: 1, max: 2048, pattern: STREAM_ARN })),
    StreamModeDetails: required(structure({ StreamMode: required(string({ enum: MODES })) })),
    // Validated as the model bounds it (NaturalIntegerObject), not applied: throughput is not modelled (as
    // CreateStream's).
    WarmThroughputMiBps: integer({ min: 0 }),
  }),
  async run(k: KinesisContext, input) {
    const name = streamOfArn(k, input.StreamARN);
    const mode = input.StreamModeDetails.StreamMode as StreamMode;
    // The mode the stream already has changes nothing and starts no update: tools that send the mode they
    // declare on every apply (Terraform's aws_kinesis_stream) carry on at once.
    const meta = k.streams.getVisible(name);
    if (meta.mode === mode && meta.status === 'ACTIVE') return;
    await k.streams.updateSettings(name, (meta) => {
      if (mode === 'ON_DEMAND' && meta.mode !== 'ON_DEMAND') k.streams.checkOnDemandLimit();
      meta.mode = mode;
      // Warm throughput belongs to on-demand capacity; a provisioned stream has none to come back to.
      if (mode === 'PROVISIONED') delete meta.warmThroughput;
    });
  },
});
