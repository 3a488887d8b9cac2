/**
 * What background work needs of a logger: the app hands in Fastify's (pino), but jobs do not depend on it,
 * so a job runs the same under the CLI or a test with any logger of this shape.
 */
export type JobLog = {
  warn(fields: object, message: string): void
  error(fields: object, message: string): void
}
