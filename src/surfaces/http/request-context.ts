import type { FastifyRequest } from 'fastify'
import type { Caller, Principal } from '../../domain/principal.ts'
import type { Upload } from '../../domain/upload.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling: anonymous until the surface's authentication hook finds a user. */
    caller: Caller
    /** The session the caller came from (`session:<hash>`), so a stream can end when the session does. */
    credential: string | null
    /** Files of a multipart body, by field name; the body keeps the text fields only. */
    uploads: Map<string, Upload> | null
  }
}

/**
 * The user calling a route that its surface's hook lets only users reach (every staff and shop route, the
 * vendor's signed-in ones): reaching it anonymously is a fault of the wiring, not of the client.
 */
export function signedInUser(request: FastifyRequest): Principal {
  if (request.caller.kind !== 'user') throw new Error(`${request.routeOptions.url} reached without a user`)
  return request.caller.user
}
