/** CloudWatch Logs' records as the store keeps them. */

/** A log group's document (`logs-group`, by name). */
export interface GroupRecord {
  name: string;
  /** Epoch ms. */
  creationTime: number;
  /** One of RETENTION_DAYS; absent: events never expire (AWS's default). */
  retentionInDays?: number;
  /** TagResource / TagLogGroup / CreateLogGroup's tags. */
  tags?: Record<string, string>;
}

/** A log stream's document (`logs-stream`, by `group:stream`). */
export interface StreamRecord {
  group: string;
  name: string;
  creationTime: number;
  /** The store log holding its events (a new one for each creation of the stream). */
  log: string;
}

/** An event as a client gives it. */
export interface LogEvent {
  /** Epoch ms. */
  timestamp: number;
  message: string;
}

/** An event as stored: [timestamp, ingestionTime, message] (a tuple: blocks hold thousands). */
export type StoredEvent = [number, number, string];

/** One append's events, a store log entry keyed by the index of its first event. */
export interface Block {
  /** Oldest and newest event timestamps (retention and the size cap look at these, not the events). */
  min: number;
  max: number;
  /** Sum of the events' sizes (eventSize). */
  bytes: number;
  e: StoredEvent[];
}

/** AWS's size of an event: its message's UTF-8 bytes plus 26 (the PutLogEvents quotas count it so). */
export function eventSize(message: string): number {
  return Buffer.byteLength(message, 'utf8') + 26;
}

/** The retention periods PutRetentionPolicy accepts, in days (the CloudWatch Logs API Reference's list). */
export const RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
