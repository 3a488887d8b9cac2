import { registerHooks } from 'node:module'

/**
 * Resolves drizzle-orm's own relative imports without Node's package scope lookup. Node 24 answers that
 * lookup, made once per imported file to learn the file's module type, by re-parsing the package's
 * `exports` map; drizzle-orm's map is large and it has hundreds of files, so starting Parley allocated
 * hundreds of megabytes of short-lived strings and objects, mostly in the large-object space, and the
 * process kept that RSS at rest (docs/operations.md, "Measurements", has the figures). drizzle-orm is one ES module package with a
 * single package.json ("type": "module"), so every relative `.js` import in it is an ES module, by
 * construction; everything else takes Node's own path.
 */
const DRIZZLE = '/node_modules/drizzle-orm/'

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.includes(DRIZZLE)) {
      return { url: new URL(specifier, context.parentURL).href, format: 'module', shortCircuit: true }
    }
    return nextResolve(specifier, context)
  },
})
