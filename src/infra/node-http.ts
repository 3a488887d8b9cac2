/**
 * Node's `http` and `https` modules as their CommonJS exports. Imported as an ES module, `node:http` has all
 * its exports read to make the module's namespace, and reading its `WebSocket`, `CloseEvent` and
 * `MessageEvent` loads Node's fetch implementation (undici), which Parley never uses: 2.5 MB of heap kept for
 * the process's life (docs/operations.md, "Memory").
 */
export const http = process.getBuiltinModule('node:http')
export const https = process.getBuiltinModule('node:https')
