/** A LIKE pattern finding `term` anywhere in a text: LIKE treats `%` and `_` as wildcards, a searched-for one means itself. */
export const likePattern = (term: string) => `%${term.replace(/[\\%_]/g, (char) => `\\${char}`)}%`
