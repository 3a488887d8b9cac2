/** Language tags from an Accept-Language header, most preferred first. */
export function preferredLanguages(header: string | undefined): string[] {
  if (!header) return []
  return header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='))
      return { tag: tag.trim().toLowerCase(), quality: q ? Number(q.slice(2)) : 1, index }
    })
    .filter(({ tag, quality }) => tag !== '' && tag !== '*' && quality > 0 && !Number.isNaN(quality))
    .sort((a, b) => b.quality - a.quality || a.index - b.index)
    .map(({ tag }) => tag)
}

/**
 * The best text for the client's languages: an exact tag, then the same primary language ("pt" for "pt-BR",
 * "pt-BR" for "pt"), else the text in the default language.
 */
export function localize(
  texts: Record<string, string>,
  defaultLanguage: string,
  languages: string[],
): string {
  const available = Object.keys(texts)
  const lower = (tag: string) => tag.toLowerCase()
  const primary = (tag: string) => lower(tag).split('-')[0]
  for (const wanted of languages) {
    const found =
      available.find((tag) => lower(tag) === wanted) ??
      available.find((tag) => primary(tag) === primary(wanted))
    if (found !== undefined) return texts[found] ?? ''
  }
  return texts[defaultLanguage] ?? texts[available[0] ?? ''] ?? ''
}
