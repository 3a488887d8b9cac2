import type { Upload } from '../../domain/contacts/attachment-check.ts'
import type { Principal } from '../../domain/principal.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated user, set by the surface's authentication hook; null for an anonymous request. */
    principal: Principal | null
    /** The session the principal came from (`session:<hash>`), so a stream can end when the session does. */
    credential: string | null
    /** Files of a multipart body, by field name; the body keeps the text fields only. */
    uploads: Map<string, Upload> | null
  }
}
