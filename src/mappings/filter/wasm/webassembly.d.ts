// The part of the WebAssembly JS API that json-tape.ts uses. Node has the API, but TypeScript only declares it
// in the DOM library, which a server has no business including.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, unknown>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
  }
}
