import { InvalidRequestContent } from './lambda-errors.js';

/** A Lambda REST request body: a JSON object ({} when empty); InvalidRequestContentException otherwise. */
export function parseRestJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    throw InvalidRequestContent(
      'Could not parse request body into json: Unexpected character in the request body.',
    );
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw InvalidRequestContent(
      'Could not parse request body into json: the request body must be a JSON object.',
    );
  }
  return v as Record<string, unknown>;
}
