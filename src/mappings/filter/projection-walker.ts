import { OPAQUE_OBJECT, ProjectedObject, type ProjectionLevel } from './projected-object.js';
import { KIND_ARRAY, KIND_OBJECT } from './wasm/json-tape.js';

/** Builds the projected value from a tape (see wasm/json-tape.as.ts) whose entries start at word `base`. */
export type ProjectionWalker = (bytes: Uint8Array, tape: Int32Array, base: number) => unknown;

/** Decodes a scalar entry (string, number, boolean, null) of the tape; json-scanner.ts supplies it. */
export type ScalarReader = (bytes: Uint8Array, head: number, word: number) => unknown;

/**
 * Generates the walker for one projection: a function per projection node that knows the node's keys, so slots
 * are locals, children are direct calls V8 can inline, and each object is one array literal (filtering ran 2-4%
 * faster than with a generic walker looking nodes up as it goes). The source holds only our identifiers and slot
 * numbers.
 */
export function compileProjectionWalker(root: ProjectionLevel, readScalar: ScalarReader): ProjectionWalker {
  const ids = new Map<ProjectionLevel, number>();
  const functions: string[] = [];
  const define = (node: ProjectionLevel): number => {
    const known = ids.get(node);
    if (known !== undefined) return known;
    const id = ids.size;
    ids.set(node, id);
    const children = node.children.map(define);
    // Any value at this node: containers are walked, scalars read.
    const object = node.keys.length === 0 ? `{ next = t[w + 1]; return OPAQUE; }` : `return object${id}(k);`;
    functions.push(
      `function value${id}(k) { const w = base + 2 * k; const head = t[w]; const kind = head & 15; ` +
        `if (kind === ${KIND_OBJECT}) ${object} if (kind === ${KIND_ARRAY}) return array${id}(k); ` +
        `next = k + 1; return readScalar(b, head, t[w + 1]); }`,
      `function array${id}(k) { const after = t[base + 2 * k + 1]; const out = []; let j = k + 1; ` +
        `while (j < after) { out.push(value${id}(j)); j = next; } next = after; return out; }`,
    );
    if (node.keys.length > 0) {
      const slots = children.map((_, slot) => `s${slot}`);
      // Only projected keys are on the tape, each followed by its value; a later duplicate key wins.
      const cases = children.map(
        (child, slot) =>
          `case ${slot}: if (kind > ${KIND_ARRAY}) { s${slot} = readScalar(b, head, t[w + 1]); j += 2; } ` +
          `else { s${slot} = value${child}(j + 1); j = next; } break;`,
      );
      functions.push(
        `function object${id}(k) { const after = t[base + 2 * k + 1]; let ${slots.join(', ')}; let j = k + 1; ` +
          `while (j < after) { const slot = t[base + 2 * j] >>> 4; const w = base + 2 * j + 2; ` +
          `const head = t[w]; const kind = head & 15; switch (slot) { ${cases.join(' ')} ` +
          `default: throw new Error('corrupt JSON tape'); } } ` +
          `next = after; return new PO([${slots.join(', ')}]); }`,
      );
    }
    return id;
  };
  define(root);
  const source = [
    "'use strict';",
    'let b, t, base, next = 0;',
    ...functions,
    'return function walk(bytes, tape, tapeBase) { b = bytes; t = tape; base = tapeBase; return value0(0); };',
  ].join('\n');
  const factory = new Function('PO', 'OPAQUE', 'readScalar', source) as (
    po: typeof ProjectedObject,
    opaque: ProjectedObject,
    read: ScalarReader,
  ) => ProjectionWalker;
  return factory(ProjectedObject, OPAQUE_OBJECT, readScalar);
}
