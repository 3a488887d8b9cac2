export type SseEvent = { id: string; event: string; data: any }

/**
 * Opens a Server-Sent Events stream with fetch and collects its events as they arrive; `next(n)` waits for
 * the first n of them. Close it to drop the connection.
 */
export async function openEventStream(url: string, headers: Record<string, string>) {
  const controller = new AbortController()
  const response = await fetch(url, { headers, signal: controller.signal })
  const events: SseEvent[] = []
  let comments = 0
  const waiters = new Set<() => void>()
  const done = (async () => {
    if (!response.body) return
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk, { stream: true })
        let boundary = buffer.indexOf('\n\n')
        while (boundary >= 0) {
          const block = buffer.slice(0, boundary)
          buffer = buffer.slice(boundary + 2)
          const fields = new Map<string, string>()
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments += 1
            const index = line.indexOf(':')
            if (index > 0) fields.set(line.slice(0, index), line.slice(index + 1).trimStart())
          }
          if (fields.has('data')) {
            events.push({
              id: fields.get('id') ?? '',
              event: fields.get('event') ?? 'message',
              data: JSON.parse(fields.get('data') ?? 'null'),
            })
          }
          for (const wake of waiters) wake()
          boundary = buffer.indexOf('\n\n')
        }
      }
    } catch {
      // Aborted by close().
    }
  })()
  return {
    status: response.status,
    headers: response.headers,
    events,
    /** Resolves when the stream ends, whichever side ended it. */
    ended: done,
    get comments() {
      return comments
    },
    async next(count: number, timeoutMs = 10_000): Promise<SseEvent[]> {
      const deadline = Date.now() + timeoutMs
      while (events.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} events, got ${events.length}`)
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake)
            resolve()
          }
          waiters.add(wake)
          setTimeout(wake, 50)
        })
      }
      return events.slice(0, count)
    },
    async close() {
      controller.abort()
      await done
    },
  }
}
