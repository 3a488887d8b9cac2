/**
 * When each attempt of a delivery is made, as Svix schedules them: at once, then 5 seconds, 5 minutes,
 * 30 minutes, 2 hours, 5 hours, 10 hours and 10 hours after the previous failure; then it has failed.
 */
const DELAYS_MS = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
]

export const MAX_ATTEMPTS = DELAYS_MS.length + 1

/**
 * The wait after failed attempt number `attempts` (1-based), or null once none is left. Each is spread by up
 * to a fifth either way, so that the deliveries a receiver's outage failed together do not return together.
 */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number | null {
  const base = DELAYS_MS[attempts - 1]
  if (base === undefined) return null
  return Math.round(base * (0.8 + 0.4 * random()))
}

/** The longest a delivery can wait for its next attempt: a test's clock moved this far makes any retry due. */
export const LONGEST_RETRY_DELAY_MS = Math.max(...DELAYS_MS) * 1.2

/** An endpoint whose every attempt has failed for this long is disabled and its company's admins told. */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 3_600_000
