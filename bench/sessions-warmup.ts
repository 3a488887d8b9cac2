/**
 * Every customer's and seller member's session resolved once by Parley before the first row, so that both
 * sizes measure sessions the instance already knows, as a shop's do once its customers are browsing.
 * Otherwise the large set, with a hundred times the small set's customers and each row's requests spread
 * over all of them, measured mostly sessions' first requests (each a credentials query its later ones skip)
 * where the small set measured none, and large ÷ small compared different work, not a larger history.
 */
import { storefront, vendor } from './scenarios.ts'
import { type Fixture, memberOfSeller } from './shape.ts'

const AT_ONCE = 10
/** An id no conversation has: the vendor surface resolves the session, then answers 404. */
const NO_CONVERSATION = 2_147_483_647

type Visit = { path: string; headers: Record<string, string>; status: number }

export async function meetSessions(parleyUrl: string, fixture: Fixture) {
  const { customers, sellers } = fixture.shape
  const visits: Visit[] = [
    ...Array.from({ length: customers }, (_, index) => ({
      path: '/current_user/',
      headers: storefront(fixture, index + 1),
      status: 200,
    })),
    ...Array.from({ length: sellers }, (_, index) => ({
      path: `/vendor/conversations/${NO_CONVERSATION}`,
      headers: vendor(fixture, memberOfSeller(fixture.shape, index + 1)),
      status: 404,
    })),
  ]
  let next = 0
  const visitor = async () => {
    for (let visit = visits[next++]; visit; visit = visits[next++]) {
      const answer = await fetch(`${parleyUrl}${visit.path}`, { headers: visit.headers })
      await answer.arrayBuffer()
      if (answer.status !== visit.status)
        throw new Error(`${visit.path} answered ${answer.status} to a bench session, not ${visit.status}`)
    }
  }
  await Promise.all(Array.from({ length: AT_ONCE }, visitor))
}
