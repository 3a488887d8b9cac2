import type { FastifyRequest } from 'fastify'
import type {
  DomainError,
  DomainErrorCode,
  FieldProblems,
  Problem,
  ProblemCode,
} from '../../domain/errors.ts'
import type { Refusal } from './failures.ts'
import { snakeCase } from './naming.ts'

/** A surface's words for every problem the domain reports: the compiler holds each surface's map complete. */
export type Wording = { [C in ProblemCode]: (problem: Extract<Problem, { code: C }>) => string }

export const word = (wording: Wording, problem: Problem): string =>
  (wording[problem.code] as (problem: Problem) => string)(problem)

const refusedByRequest = new WeakMap<FastifyRequest, Record<string, string[]>>()

/**
 * Keeps what a surface's own parsing of a request refused, in its own words, for its error handler; and
 * names those fields for the domain call (see FieldProblems), so that the domain skips its checks on them,
 * reports them with its own findings in one answer, and writes nothing.
 */
export function refuseFields(request: FastifyRequest, problems: Record<string, string[]>): FieldProblems {
  refusedByRequest.set(request, problems)
  return Object.fromEntries(Object.keys(problems).map((field) => [field, []]))
}

/**
 * A validation failure's fields in a surface's words: for each field, what the surface's parsing refused,
 * then the domain's problems, each message once. A field is matched by its snake_case name, since a route
 * may hand the domain its fields renamed to camelCase after its parsing found them.
 */
export function wordFields(
  request: FastifyRequest,
  wording: Wording,
  fields: Readonly<FieldProblems>,
): Record<string, string[]> {
  const refused = new Map(
    Object.entries(refusedByRequest.get(request) ?? {}).map(([field, messages]) => [
      snakeCase(field),
      messages,
    ]),
  )
  return Object.fromEntries(
    Object.entries(fields).map(([field, problems]) => {
      const messages = [...(refused.get(snakeCase(field)) ?? [])]
      for (const problem of problems) {
        const message = word(wording, problem)
        if (!messages.includes(message)) messages.push(message)
      }
      return [field, messages]
    }),
  )
}

/** A domain error or a surface's refusal, in one surface's words. */
export type Worded = { code: DomainErrorCode; message: string; fields: Readonly<Record<string, string[]>> }

export function worded(
  request: FastifyRequest,
  wording: Wording,
  failure: { kind: 'domain'; error: DomainError } | { kind: 'refusal'; error: Refusal },
): Worded {
  if (failure.kind === 'refusal') {
    const { code, message, fields } = failure.error
    return { code, message, fields }
  }
  const { code, reason, fields } = failure.error
  return { code, message: word(wording, reason), fields: wordFields(request, wording, fields) }
}
