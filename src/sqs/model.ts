/** Persisted and live shapes of SQS queues and messages. */

/** A message attribute as the JSON protocol carries it (BinaryValue as base64 in storage). */
export interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  /** Base64 of the bytes (kept as text so every store engine round-trips it). */
  BinaryValue?: string;
}

export type MessageAttributes = Record<string, MessageAttribute>;

/** Queue metadata, one document per queue (namespace `sqs.queue`, id = queue name). */
export interface QueueMeta {
  name: string;
  /** A fresh id per creation: names the message log, so a re-created queue never sees old messages. */
  incarnation: string;
  /** Epoch ms. */
  createdAt: number;
  lastModifiedAt: number;
  /** Settable attributes, as AWS strings (VisibilityTimeout, DelaySeconds, ...); defaults are not stored. */
  attributes: Record<string, string>;
  tags: Record<string, string>;
}

/** One message as appended to the queue's log. Immutable once written. */
export interface StoredMessage {
  id: string;
  body: string;
  md5OfBody: string;
  attributes?: MessageAttributes;
  md5OfAttributes?: string;
  /** Message system attributes (AWSTraceHeader). */
  systemAttributes?: MessageAttributes;
  md5OfSystemAttributes?: string;
  senderId: string;
  /** Epoch ms. */
  sentAt: number;
  /** Epoch ms before which the message is not receivable (DelaySeconds). */
  delayUntil: number;
  /** Set when the message was moved here by a redrive policy. */
  deadLetterSourceArn?: string;
  /** Receive count carried over from the source queue on redrive (AWS keeps it). */
  initialReceiveCount?: number;
  firstReceiveAt?: number;
}

/** Receive state of a message that has been received at least once (namespace `sqs.recv.<incarnation>`). */
export interface ReceiveState {
  receiveCount: number;
  /** Epoch ms. */
  firstReceiveAt: number;
  /** Epoch ms at which the message becomes visible again. */
  visibleAt: number;
  /** Names the latest receipt handle. */
  nonce: string;
}

export type MessageState = 'delayed' | 'ready' | 'inflight';
