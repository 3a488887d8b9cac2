import type { FastifyRequest } from 'fastify'
import { type TSchema, Type } from 'typebox'
import { Refusal } from '../http/failures.ts'
import { nullable } from '../http/nullable.ts'

const DEFAULT_PAGE_SIZE = 20
const MAX_PAGE_SIZE = 100

export const PageQuery = {
  page: Type.Optional(Type.String({ description: 'A 1-based page number.' })),
  page_size: Type.Optional(
    Type.String({
      description: `Results per page (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).`,
    }),
  ),
}

const linksAndResults = <T extends TSchema>(item: T) => ({
  next: nullable(Type.String({ format: 'uri' })),
  previous: nullable(Type.String({ format: 'uri' })),
  results: Type.Array(item),
})

/** Django REST framework's `PageNumberPagination` page of results. */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ count: Type.Integer(), ...linksAndResults(item) })

/** DRF's page whose count stops at `bound` and says so (see cappedPageOf). */
export const CappedPage = <T extends TSchema>(item: T, bound: number) => {
  const shown = bound.toLocaleString('en')
  return Type.Object({
    count: Type.Integer({
      description: `How many match. Counting stops past ${shown} (or past the page asked for, if that lies further): when more match, \`count\` is ${shown} and \`count_capped\` is true.`,
    }),
    count_capped: Type.Boolean({
      description: `True when counting stopped at ${shown} with more to come: show "${shown}+". A next page then exists.`,
    }),
    ...linksAndResults(item),
  })
}

const invalidPage = () => new Refusal('not_found', 'Invalid page.')

/** The page asked for; a page that is not a positive number is refused as DRF refuses it. */
export function requestedPage(query: { page?: string; page_size?: string }) {
  const page = query.page === undefined ? 1 : Number(query.page)
  if (!Number.isSafeInteger(page) || page < 1) throw invalidPage()
  const asked = Number(query.page_size)
  // DRF ignores a page size it cannot read and caps one that is too large.
  const size = Number.isSafeInteger(asked) && asked > 0 ? Math.min(asked, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE
  return { page, size, offset: (page - 1) * size, limit: size }
}

/** The page as DRF writes it, with absolute links to its neighbours; a page past the last one is a 404. */
export function pageOf<T>(
  request: FastifyRequest,
  at: { page: number; size: number },
  total: number,
  results: T[],
) {
  return linkedPage(request, at, { total, capped: false }, results)
}

/**
 * A page whose count stopped at a bound, saying so in `count_capped`: when it did, more than `count` match,
 * and the page asked for and the one after it exist.
 */
export function cappedPageOf<T>(
  request: FastifyRequest,
  at: { page: number; size: number },
  count: { total: number; capped: boolean },
  results: T[],
) {
  return { ...linkedPage(request, at, count, results), count_capped: count.capped }
}

function linkedPage<T>(
  request: FastifyRequest,
  at: { page: number; size: number },
  count: { total: number; capped: boolean },
  results: T[],
) {
  const pages = count.capped ? Number.POSITIVE_INFINITY : Math.max(1, Math.ceil(count.total / at.size))
  if (at.page > pages) throw invalidPage()
  const link = (page: number) => {
    const url = new URL(request.url, `${request.protocol}://${request.host}`)
    if (page === 1) url.searchParams.delete('page')
    else url.searchParams.set('page', String(page))
    return url.toString()
  }
  return {
    count: count.total,
    next: at.page < pages ? link(at.page + 1) : null,
    previous: at.page > 1 ? link(at.page - 1) : null,
    results,
  }
}
