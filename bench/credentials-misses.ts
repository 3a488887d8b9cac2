/**
 * How many of a run's requests came from sessions and API keys the instance had not resolved before: each
 * costs a credentials query that the session's later requests skip. The bench has Parley meet the sessions
 * it will use before the first row (sessions-warmup.ts); a row that still had such requests says how many in
 * its note, beside the latency they explain.
 */

/** Parley serves `/metrics` on its public port when given a token. */
export const METRICS_TOKEN = 'parley-bench-metrics-token'

export async function credentialsMisses(parleyUrl: string): Promise<number> {
  const answer = await fetch(`${parleyUrl}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  })
  if (!answer.ok) throw new Error(`Parley's /metrics answered ${answer.status}`)
  const counter = /^parley_cache_misses_total\{cache="credentials"\} (\d+)$/m.exec(await answer.text())
  if (!counter) throw new Error("Parley's /metrics has no credentials cache misses")
  return Number(counter[1])
}

export const describeMisses = (misses: number) =>
  `${misses} requests, warm-up included, from sessions or keys new to the instance (a credentials query each)`
