// Process entry. The server's modules are imported only after the resolution hook is in place: static
// imports would all be resolved before any of this file's code ran.
import './infra/drizzle-module-resolution.ts'

await import('./server.ts')
