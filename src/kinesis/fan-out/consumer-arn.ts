import type { ConsumerMeta } from '../model.js';

/** AWS's consumer ARN: `<stream ARN>/consumer/<name>:<creation time in epoch seconds>`. */
export function formatConsumerArn(streamArn: string, consumerName: string, createdAtMs: number): string {
  return `${streamArn}/consumer/${consumerName}:${Math.floor(createdAtMs / 1000)}`;
}

export interface ParsedConsumerArn {
  streamName: string;
  consumerName: string;
  epochSeconds: number;
}

const CONSUMER_ARN =
  /^arn:aws[\w-]*:kinesis:[^:]*:\d{12}:stream\/([a-zA-Z0-9_.-]+)\/consumer\/([a-zA-Z0-9_.-]+):(\d+)$/;

/** Undefined when the string is not a consumer ARN. */
export function parseConsumerArn(consumerArn: string): ParsedConsumerArn | undefined {
  const m = CONSUMER_ARN.exec(consumerArn);
  if (!m) return undefined;
  return { streamName: m[1]!, consumerName: m[2]!, epochSeconds: Number(m[3]) };
}

/** AWS's pattern for the ConsumerARN member (botocore model). */
export const CONSUMER_ARN_PATTERN =
  /^(arn):aws.*:kinesis:.*:\d{12}:.*stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+/;
export const CONSUMER_NAME_PATTERN = /[a-zA-Z0-9_.-]+/;

/** The Consumer / ConsumerDescription wire shapes. */
export function consumerShape(c: ConsumerMeta): Record<string, unknown> {
  return {
    ConsumerName: c.consumerName,
    ConsumerARN: c.consumerArn,
    ConsumerStatus: c.status,
    ConsumerCreationTimestamp: new Date(c.createdAt),
  };
}
