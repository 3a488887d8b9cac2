/** The rows of a raw `db.execute` result; both drivers return them as `.rows`. */
export const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows
