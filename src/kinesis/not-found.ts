import { ResourceNotFound, type AwsError } from '../server/errors.js';

/**
 * Kinesis's ResourceNotFoundException messages, written once. AWS names the shard (not the stream) when a
 * GetShardIterator, GetRecords or SubscribeToShard names a shard or a stream that does not exist.
 */
export function shardNotFound(account: string, stream: string, shardId: string): AwsError {
  return ResourceNotFound(`Shard ${shardId} in stream ${stream} under account ${account} does not exist`);
}

/**
 * A shard id that names no shard (AWS's reading: reshard.ts parseShardId), or a shard to split or merge that the
 * stream does not have: AWS's other wording, with a full stop.
 */
export function couldNotFindShard(account: string, stream: string, shardId: string): AwsError {
  return ResourceNotFound(`Could not find shard ${shardId} in stream ${stream} under account ${account}.`);
}

/** A stream that does not exist (or is not visible to the operation: CREATING or DELETING). */
export function streamNotFound(account: string, stream: string): AwsError {
  return ResourceNotFound(`Stream ${stream} under account ${account} not found.`);
}
