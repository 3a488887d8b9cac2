/**
 * A count that stopped past `bound` (it was asked for at most `bound + 1`): at most the bound, and whether
 * more were there.
 */
export const cappedCount = (counted: number, bound: number) => ({
  total: Math.min(counted, bound),
  capped: counted > bound,
})
