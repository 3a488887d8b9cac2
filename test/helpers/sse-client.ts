export type SseEvent = { id: string; event: string; data: any }

/**
 * How a stream ended: closed by the test, ended cleanly by the server, or broken (the connection dropped, or
 * an event whose data is not JSON). A test that expects one of the first two can tell it from the third.
 */
export type SseEnd = { by: 'client' } | { by: 'server' } | { by: 'error'; error: unknown }

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
  let closing = false
  let outcome: SseEnd | undefined
  const finish = (end: SseEnd) => {
    outcome = end
    for (const wake of waiters) wake()
    return end
  }
  const done = (async (): Promise<SseEnd> => {
    if (!response.body) return finish({ by: 'server' })
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
      return finish({ by: 'server' })
    } catch (error) {
      return finish(closing ? { by: 'client' } : { by: 'error', error })
    }
  })()
  return {
    status: response.status,
    headers: response.headers,
    events,
    /** Resolves when the stream ends, with who ended it or what broke it. */
    ended: done,
    get comments() {
      return comments
    },
    async next(count: number, timeoutMs = 10_000): Promise<SseEvent[]> {
      const deadline = Date.now() + timeoutMs
      while (events.length < count) {
        // A stream that ended or broke will bring no more: say so now, and why, rather than at the deadline.
        if (outcome?.by === 'error')
          throw new Error(`the stream broke after ${events.length} of ${count} events`, {
            cause: outcome.error,
          })
        if (outcome)
          throw new Error(
            `the stream was ended by the ${outcome.by} after ${events.length} of ${count} events`,
          )
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
      closing = true
      controller.abort()
      await done
    },
  }
}
