/**
 * PGlite's PostgreSQL, compiled so that V8's optimizing compiler leaves its few largest functions alone.
 * TurboFan needs about 600 MB of working memory for one of them (a 100 KB function body), which took a
 * small shop's process from 330 MB to 800 MB and more a few seconds after it started. The largest
 * functions carry a compilation hint that keeps them in Liftoff, V8's baseline tier; every other function
 * is optimized as before. V8 reads such hints only with `--experimental-wasm-compilation-hints`, and
 * follows them only when it optimizes eagerly (`--no-wasm-dynamic-tiering`): its tier-up of hot functions
 * ignores them. The thread sets both flags before it compiles (WASM_FLAGS).
 */
import { readFile } from 'node:fs/promises'
import { setFlagsFromString } from 'node:v8'
import type { PGliteOptions } from '@electric-sql/pglite'

type WasmModule = NonNullable<PGliteOptions['pgliteWasmModule']>
// Node's types leave out the WebAssembly global (it comes with the DOM's): the one call used here.
declare const WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> }

export const WASM_FLAGS = ['--experimental-wasm-compilation-hints', '--no-wasm-dynamic-tiering']

/** Function bodies above this many bytes stay in Liftoff; the next largest in PGlite 0.5 is 40 KB. */
export const LIFTOFF_ONLY_BYTES = 64 * 1024

const IMPORT_SECTION = 2
const FUNCTION_SECTION = 3
const CODE_SECTION = 10
const CUSTOM_SECTION = 0
/** One byte per function: top tier (bits 4–5) and baseline tier (bits 2–3) both Liftoff, default strategy. */
const LIFTOFF_HINT = 0b0001_0100

class Reader {
  readonly bytes: Uint8Array
  at: number
  constructor(bytes: Uint8Array, at: number) {
    this.bytes = bytes
    this.at = at
  }
  u32(): number {
    let value = 0
    let shift = 0
    let byte: number
    do {
      byte = this.byte()
      value |= (byte & 0x7f) << shift
      shift += 7
    } while (byte & 0x80)
    return value >>> 0
  }
  byte(): number {
    const byte = this.bytes[this.at++]
    if (byte === undefined) throw new Error('the WebAssembly module ends early')
    return byte
  }
  skip(length: number) {
    this.at += length
  }
}

function u32Bytes(value: number): number[] {
  const out: number[] = []
  let rest = value
  do {
    const low = rest & 0x7f
    rest >>>= 7
    out.push(rest === 0 ? low : low | 0x80)
  } while (rest !== 0)
  return out
}

/** How many functions the import section brings in: they have no body, and no hint. */
function importedFunctions(section: Reader) {
  let functions = 0
  const count = section.u32()
  for (let i = 0; i < count; i++) {
    section.skip(section.u32()) // module name
    section.skip(section.u32()) // field name
    const kind = section.byte()
    if (kind === 0) {
      functions++
      section.u32() // type index
    } else if (kind === 1 || kind === 2) {
      if (kind === 1) section.byte() // table element type
      const limits = section.byte()
      section.u32()
      if (limits & 1) section.u32()
    } else if (kind === 3) {
      section.skip(2) // global type and mutability
    } else if (kind === 4) {
      section.byte() // tag attribute
      section.u32()
    } else {
      throw new Error(`unknown import kind ${kind}`)
    }
  }
  return functions
}

/**
 * `wasm` with a `compilationHints` section that keeps each function whose body is larger than
 * `liftoffOnlyBytes` in Liftoff; also says which functions (by index, imports counted) it kept there.
 */
export function hintLargeFunctions(wasm: Uint8Array, liftoffOnlyBytes = LIFTOFF_ONLY_BYTES) {
  const reader = new Reader(wasm, 8)
  let imported = 0
  let functionSectionEnd: number | undefined
  let hints: Uint8Array | undefined
  const kept: number[] = []
  while (reader.at < wasm.length) {
    const id = reader.byte()
    const size = reader.u32()
    const start = reader.at
    if (id === IMPORT_SECTION) imported = importedFunctions(new Reader(wasm, start))
    if (id === FUNCTION_SECTION) {
      hints = new Uint8Array(new Reader(wasm, start).u32())
      functionSectionEnd = start + size
    }
    if (id === CODE_SECTION && hints !== undefined) {
      const code = new Reader(wasm, start)
      const bodies = code.u32()
      for (let index = 0; index < bodies; index++) {
        const length = code.u32()
        if (length > liftoffOnlyBytes) {
          hints[index] = LIFTOFF_HINT
          kept.push(imported + index)
        }
        code.skip(length)
      }
    }
    reader.at = start + size
  }
  if (functionSectionEnd === undefined || hints === undefined)
    throw new Error('the module declares no function')
  const name = new TextEncoder().encode('compilationHints')
  const payload = [...u32Bytes(name.length), ...name, ...u32Bytes(hints.length), ...hints]
  const section = Uint8Array.from([CUSTOM_SECTION, ...u32Bytes(payload.length), ...payload])
  const hinted = new Uint8Array(wasm.length + section.length)
  hinted.set(wasm.subarray(0, functionSectionEnd))
  hinted.set(section, functionSectionEnd)
  hinted.set(wasm.subarray(functionSectionEnd), functionSectionEnd + section.length)
  return { wasm: hinted, kept }
}

/** PGlite's PostgreSQL module, compiled with its largest functions kept in Liftoff. */
export async function compilePglite(): Promise<WasmModule> {
  setFlagsFromString(WASM_FLAGS.join(' '))
  const wasm = await readFile(new URL('pglite.wasm', import.meta.resolve('@electric-sql/pglite')))
  return WebAssembly.compile(hintLargeFunctions(wasm).wasm)
}
