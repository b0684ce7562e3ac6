import type { ObjectPattern } from './pattern-ast.js';
import { compileProjectionWalker, type ProjectionWalker, type ScalarReader } from './projection-walker.js';
import { OPAQUE_OBJECT, ProjectedObject } from './projected-object.js';
import { encodeProjection, type EncodedProjection } from './wasm/json-tape.js';

/** Bumped whenever any projection gains a key, so that compiled forms made before are not reused. */
let revision = 0;

export interface CompiledProjection {
  readonly revision: number;
  readonly encoded: EncodedProjection;
  readonly walker: ProjectionWalker;
}

/**
 * The part of a record's `data` JSON that some pattern can look at. Patterns name their fields up front, so
 * the data is never materialised beyond those paths: objects become `ProjectedObject`s holding only the
 * named keys, in slots whose positions are fixed when the patterns are compiled.
 */
export class ProjectionNode {
  /** Field names this level needs, slot i holds keys[i]. */
  readonly keys: string[] = [];
  /** UTF-8 bytes of keys[i], compared against raw JSON keys without decoding them (wasm/json-tape.as.ts). */
  readonly keyBytes: Uint8Array[] = [];
  /** What is needed below keys[i] when its value is an object (may need nothing). */
  readonly children: ProjectionNode[] = [];
  private readonly index = new Map<string, number>();
  /** A packed array of undefined, copied for each projected object of this level. */
  emptySlots: unknown[] = [];

  #compiled: CompiledProjection | undefined;

  /**
   * This tree made ready for scanning (json-scanner.ts): encoded for the WebAssembly scanner, and its walker
   * generated. Made once, and again if any projection has grown since.
   */
  compiled(readScalar: ScalarReader): CompiledProjection {
    if (this.#compiled === undefined || this.#compiled.revision !== revision) {
      this.#compiled = {
        revision,
        encoded: encodeProjection(this),
        walker: compileProjectionWalker(this, readScalar),
      };
    }
    return this.#compiled;
  }

  slotOf(key: string): number {
    return this.index.get(key) ?? -1;
  }

  /** The child node for `key`, created (with a new slot) on first use. */
  child(key: string): ProjectionNode {
    const existing = this.index.get(key);
    if (existing !== undefined) return this.children[existing] as ProjectionNode;
    const node = new ProjectionNode();
    revision++;
    this.index.set(key, this.keys.length);
    this.keys.push(key);
    const bytes = new TextEncoder().encode(key);
    this.keyBytes.push(bytes);
    this.children.push(node);
    this.emptySlots = this.keys.map(() => undefined);
    return node;
  }
}

/** Adds every field an `ObjectPattern` (and its `$or` branches) reads below `node`. */
export function addToProjection(node: ProjectionNode, pattern: ObjectPattern): void {
  for (const field of pattern.fields) {
    const child = node.child(field.key);
    if (field.kind === 'object') addToProjection(child, field.pattern);
  }
  for (const branch of pattern.anyOf ?? []) addToProjection(node, branch);
}

/**
 * Projects an already parsed JSON value. The scanner (json-scanner.ts) produces the same result straight from
 * bytes; this is its reference, and the fallback for documents the scanner declines.
 */
export function projectParsed(value: unknown, node: ProjectionNode): unknown {
  if (Array.isArray(value)) return value.map((v) => projectParsed(v, node));
  if (typeof value !== 'object' || value === null) return value;
  if (node.keys.length === 0) return OPAQUE_OBJECT;
  const slots = node.emptySlots.slice();
  const obj = value as Record<string, unknown>;
  for (let i = 0; i < node.keys.length; i++) {
    const key = node.keys[i] as string;
    if (Object.prototype.hasOwnProperty.call(obj, key))
      slots[i] = projectParsed(obj[key], node.children[i] as ProjectionNode);
  }
  return new ProjectedObject(slots);
}
