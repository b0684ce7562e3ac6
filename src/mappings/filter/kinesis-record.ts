/** What the filter needs from a Kinesis record (the fields of the Lambda event's `kinesis` object). */
export interface FilterableKinesisRecord {
  partitionKey: string;
  sequenceNumber: string;
  /** Epoch seconds, with the millisecond fraction, as in the Lambda event. */
  approximateArrivalTimestamp: number;
  /** The record's raw bytes (not base64). */
  data: Uint8Array;
}
