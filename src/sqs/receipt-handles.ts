import { randomBytes } from 'node:crypto';
import { sqsError } from './errors.js';

/** What a receipt handle names: one receive of one message of one queue incarnation. */
export interface ReceiptHandleParts {
  incarnation: string;
  seq: number;
  nonce: string;
}

const SHAPE = /^([0-9a-f-]{36}):(\d{1,16}):([A-Za-z0-9_-]{8,64})$/;

export function newNonce(): string {
  return randomBytes(12).toString('base64url');
}

/** Opaque to clients, like AWS's: base64 of incarnation, message position and a per-receive nonce. */
export function encodeReceiptHandle(p: ReceiptHandleParts): string {
  return Buffer.from(`${p.incarnation}:${p.seq}:${p.nonce}`, 'utf8').toString('base64');
}

export function decodeReceiptHandle(handle: string): ReceiptHandleParts | undefined {
  if (handle.length === 0 || handle.length > 1024 || !/^[A-Za-z0-9+/]+={0,2}$/.test(handle)) return undefined;
  const m = SHAPE.exec(Buffer.from(handle, 'base64').toString('utf8'));
  if (!m) return undefined;
  return { incarnation: m[1]!, seq: Number(m[2]), nonce: m[3]! };
}

/** The handle's parts when it names a message of `incarnation`; ReceiptHandleIsInvalid otherwise. */
export function checkReceiptHandle(handle: string, incarnation: string): ReceiptHandleParts {
  const parts = decodeReceiptHandle(handle);
  if (!parts || parts.incarnation !== incarnation) {
    throw sqsError(
      'ReceiptHandleIsInvalid',
      `The input receipt handle "${handle}" is not a valid receipt handle.`,
    );
  }
  return parts;
}
