import { MAX_INPUT_DEPTH, InputError, parseJsonStrict } from '../server/protocols/input-text.js';
import { InvalidRequestContent } from './lambda-errors.js';

/**
 * A Lambda REST request body: a JSON object ({} when empty); InvalidRequestContentException otherwise, also for
 * a body that is not UTF-8, nests deeper than MAX_INPUT_DEPTH or holds an unpaired surrogate (see input-text.ts).
 */
export function parseRestJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let v: unknown;
  try {
    v = parseJsonStrict(body);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const why = {
      syntax: 'Unexpected character in the request body.',
      utf8: 'the request body is not valid UTF-8.',
      depth: `the request body nests deeper than ${MAX_INPUT_DEPTH} levels.`,
      text: 'the request body holds an unpaired surrogate.',
    }[err.problem.kind];
    throw InvalidRequestContent(`Could not parse request body into json: ${why}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw InvalidRequestContent(
      'Could not parse request body into json: the request body must be a JSON object.',
    );
  }
  return v as Record<string, unknown>;
}
