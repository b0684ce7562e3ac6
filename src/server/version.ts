import { readFileSync } from 'node:fs';

/**
 * Tributary's version, from its package.json (two levels up from src/server/ and from dist/server/ alike). Read
 * once, when first imported.
 */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
