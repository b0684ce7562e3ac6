import { KINESIS_READ_ACTIONS, type ExecutionRoles } from '../iam/execution-roles.js';
import { parseEventSourceArn } from './actions/resolve-event-source.js';
import type { MappingMeta } from './model.js';

/**
 * What a mapping's function role must be allowed, and what to say when it is not: reading the stream (AWS:
 * "Cannot access stream <arn>. Please ensure the role can perform the GetRecords, GetShardIterator, DescribeStream,
 * ListShards, and ListStreams Actions on your stream in IAM."), subscribing through a consumer, and sending to the
 * on-failure destination (sqs:SendMessage, sns:Publish). Checked at CreateEventSourceMapping and
 * UpdateEventSourceMapping, and again whenever IAM changes, so a revoked permission stops the mapping and a
 * granted one resumes it.
 */
export interface RoleProblem {
  /** For InvalidParameterValueException at create/update. */
  message: string;
  /** For LastProcessingResult and StateTransitionReason while the mapping waits for the permission. */
  result: string;
}

export function roleProblem(
  roles: ExecutionRoles,
  role: string,
  m: Pick<MappingMeta, 'EventSourceArn' | 'DestinationConfig'>,
): RoleProblem | undefined {
  const source = parseEventSourceArn(m.EventSourceArn);
  if (source) {
    const missing = roles.missing(role, KINESIS_READ_ACTIONS, source.streamArn);
    if (source.consumerArn)
      missing.push(...roles.missing(role, ['kinesis:SubscribeToShard'], source.consumerArn));
    if (missing.length > 0) {
      const first = missing[0]!.split(':')[1]!;
      return {
        message: `Cannot access stream ${source.streamArn}. Please ensure the role can perform the GetRecords, GetShardIterator, DescribeStream, ListShards, and ListStreams Actions on your stream in IAM.${source.consumerArn ? ' The role must also be able to perform SubscribeToShard on the consumer.' : ''}`,
        result: `PROBLEM: The function execution role does not have permissions to call ${first} on Kinesis`,
      };
    }
  }
  const dest = m.DestinationConfig?.OnFailure?.Destination;
  if (dest) {
    const sns = dest.split(':')[2] === 'sns';
    const action = sns ? 'sns:Publish' : 'sqs:SendMessage';
    if (roles.missing(role, [action], dest).length > 0) {
      const text = `The function execution role does not have permissions to call ${sns ? 'Publish on SNS' : 'SendMessage on SQS'}`;
      return { message: text, result: `PROBLEM: ${text}` };
    }
  }
  return undefined;
}
