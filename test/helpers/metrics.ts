/** One scrape of a Prometheus text exposition: each sample's value by its name and labels. */
export type Scrape = {
  text: string
  value(name: string, labels?: Record<string, string>): number | undefined
}

const LINE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g

/** Parses the text format (version 0.0.4); a sample absent from it reads undefined. */
export function parseScrape(text: string): Scrape {
  const samples: { name: string; labels: Map<string, string>; value: number }[] = []
  for (const line of text.split('\n')) {
    const match = LINE.exec(line)
    if (!match || line.startsWith('#')) continue
    const labels = new Map<string, string>()
    for (const [, name = '', value = ''] of (match[2] ?? '').matchAll(LABEL)) labels.set(name, value)
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) })
  }
  return {
    text,
    value(name, labels = {}) {
      const wanted = Object.entries(labels)
      return samples.find(
        (sample) =>
          sample.name === name &&
          sample.labels.size === wanted.length &&
          wanted.every(([key, value]) => sample.labels.get(key) === value),
      )?.value
    },
  }
}

/** Scrapes `url` with the bearer token, failing on anything but a 200. */
export async function scrape(url: string, token?: string): Promise<Scrape> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  const text = await response.text()
  if (response.status !== 200) throw new Error(`scrape of ${url}: ${response.status} ${text}`)
  return parseScrape(text)
}
