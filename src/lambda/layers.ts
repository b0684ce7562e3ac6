import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppContext } from '../server/context.js';
import type { CodeStore } from './code-store.js';
import { InvalidParameterValue } from './lambda-errors.js';
import {
  LAYER_NAME_NS,
  LAYER_NS,
  lastModifiedNow,
  type FunctionRecord,
  type LayerNameRecord,
  type LayerRef,
  type LayerVersionRecord,
} from './model.js';
import type { UnzipLimits } from './unzip.js';

/** What PublishLayerVersion sets besides the content. */
export type NewLayerVersion = Pick<
  LayerVersionRecord,
  'description' | 'compatibleRuntimes' | 'compatibleArchitectures' | 'licenseInfo'
>;

/** AWS's limit on a function's layers (Layers on Create/UpdateFunctionConfiguration). */
export const MAX_LAYERS = 5;

const VERSION_ARN = /^arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+):([0-9]+)$/;

/**
 * Lambda layers: versions of zip content published under a name (numbers never reused), stored unpacked in the
 * CodeStore and persisted in the store; a function's layers are merged in order into its `/opt` equivalent
 * (`CodeStore.mergeLayers`), which workers see through PATH, LD_LIBRARY_PATH, NODE_PATH and PYTHONPATH
 * (runtime/spawn-spec.ts). Deleting a version keeps its content for the functions that use it, as AWS does.
 */
export class Layers {
  readonly #app: AppContext;
  readonly #code: CodeStore;
  readonly #limits: UnzipLimits;
  readonly #versions = new Map<string, LayerVersionRecord>();
  readonly #names = new Map<string, LayerNameRecord>();

  constructor(app: AppContext, code: CodeStore, limits: UnzipLimits) {
    this.#app = app;
    this.#code = code;
    this.#limits = limits;
    for (const { doc } of app.store.listDocs<LayerNameRecord>(LAYER_NAME_NS)) this.#names.set(doc.name, doc);
    for (const { doc } of app.store.listDocs<LayerVersionRecord>(LAYER_NS))
      this.#versions.set(`${doc.name}:${doc.version}`, doc);
  }

  /** Rebuilds the merged `/opt` of functions whose directory is missing (a data dir copied without it). */
  async start(functions: readonly FunctionRecord[]): Promise<void> {
    for (const f of functions) {
      if (f.layers !== undefined && f.layers.length > 0 && !existsSync(this.#code.optDir(arns(f.layers))))
        await this.#merge(f.layers);
    }
  }

  layerArn(name: string): string {
    return `arn:aws:lambda:${this.#app.options.region}:${this.#app.options.account}:layer:${name}`;
  }

  versionArn(name: string, version: number): string {
    return `${this.layerArn(name)}:${version}`;
  }

  get(name: string, version: number): LayerVersionRecord | undefined {
    return this.#versions.get(`${name}:${version}`);
  }

  /** The version a layer version ARN names, if it is one of this account's and region's. */
  byArn(arn: string): LayerVersionRecord | undefined {
    const m = VERSION_ARN.exec(arn);
    return m && m[1] === this.#app.options.region && m[2] === this.#app.options.account
      ? this.get(m[3]!, Number(m[4]))
      : undefined;
  }

  /** A layer's versions, newest first. */
  versions(name: string): LayerVersionRecord[] {
    return [...this.#versions.values()].filter((v) => v.name === name).sort((a, b) => b.version - a.version);
  }

  /** Names with at least one version, sorted. */
  names(): string[] {
    return [...new Set([...this.#versions.values()].map((v) => v.name))].sort();
  }

  async publish(name: string, zip: Buffer, fields: NewLayerVersion): Promise<LayerVersionRecord> {
    // The number is taken before any await, so concurrent publishes of one name get distinct versions.
    const version = (this.#names.get(name)?.lastVersion ?? 0) + 1;
    const nameRecord: LayerNameRecord = { name, lastVersion: version };
    this.#names.set(name, nameRecord);
    await this.#app.store.putDoc(LAYER_NAME_NS, name, nameRecord);
    const { bytes } = await this.#code.addLayer(name, version, zip, this.#limits);
    const record: LayerVersionRecord = {
      name,
      version,
      ...fields,
      createdDate: lastModifiedNow(),
      codeSha256: createHash('sha256').update(zip).digest('base64'),
      codeSize: zip.length,
      unzippedSize: bytes,
    };
    await this.#app.store.putDoc(LAYER_NS, `${name}:${version}`, record);
    this.#versions.set(`${name}:${version}`, record);
    return record;
  }

  /** Deletes a version (nothing if it does not exist, as AWS answers); functions using it keep their /opt. */
  async delete(name: string, version: number): Promise<void> {
    if (!this.#versions.has(`${name}:${version}`)) return;
    this.#versions.delete(`${name}:${version}`);
    await this.#app.store.deleteDoc(LAYER_NS, `${name}:${version}`);
  }

  /** Path of a version's uploaded zip (GetLayerVersion's Content.Location serves it). */
  zipPath(name: string, version: number): string {
    return `${this.#code.layerDir(name, version)}.zip`;
  }

  /**
   * A function's Layers, checked as AWS checks them (at most 5, each an existing version of this account and
   * region, one version per layer, code and layers together within the unzipped limit), with its `/opt` built.
   */
  async attach(layerArns: readonly string[], codeDir: string | undefined): Promise<LayerRef[]> {
    if (layerArns.length > MAX_LAYERS)
      throw InvalidParameterValue(`Cannot reference more than ${MAX_LAYERS} layers.`);
    const seen = new Map<string, string>();
    const refs: LayerRef[] = [];
    let total = codeDir === undefined ? 0 : await dirBytes(codeDir);
    for (const arn of layerArns) {
      const found = this.byArn(arn);
      if (!found) throw InvalidParameterValue(`Layer version ${arn} does not exist.`);
      const other = seen.get(found.name);
      if (other !== undefined)
        throw InvalidParameterValue(
          `Two different versions of the same layer are not allowed to be referenced in the same function. ${other} and ${arn} are versions of the same layer.`,
        );
      seen.set(found.name, arn);
      total += found.unzippedSize;
      refs.push({ arn: this.versionArn(found.name, found.version), codeSize: found.codeSize });
    }
    if (total > this.#limits.maxBytes)
      throw InvalidParameterValue(
        `Function code combined with layers exceeds the maximum allowed size of ${this.#limits.maxBytes} bytes. The actual size is ${total} bytes.`,
      );
    if (refs.length > 0) await this.#merge(refs);
    return refs;
  }

  async #merge(refs: readonly LayerRef[]): Promise<void> {
    const dirs = refs.map((r) => {
      const m = VERSION_ARN.exec(r.arn)!;
      return this.#code.layerDir(m[3]!, Number(m[4]));
    });
    await this.#code.mergeLayers(arns(refs), dirs);
  }
}

function arns(refs: readonly LayerRef[]): string[] {
  return refs.map((r) => r.arn);
}

/** Bytes of the files under `dir` (a function's unpacked code, for the combined size limit). */
async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await dirBytes(path);
    else total += (await lstat(path)).size;
  }
  return total;
}
