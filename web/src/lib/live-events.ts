import type { QueryClient } from '@tanstack/react-query'

export type LiveState = 'connecting' | 'open' | 'reconnecting'

const TOUCHES: Record<string, string> = {
  'contact.created': 'contacts',
  'contact.updated': 'contacts',
  'contact.replied': 'contacts',
  'message.created': 'conversations',
  'message.read': 'conversations',
  'note.created': 'conversations',
  'conversation.updated': 'conversations',
}

/**
 * The staff event stream (`GET /api/events`). EventSource reconnects by itself after a drop and sends
 * `Last-Event-ID`, so the server replays what was missed; each event refetches the queries it touches. A
 * stream the server refused (EventSource gives up) is opened anew after a pause, and everything refetched.
 */
export function followLiveEvents(queries: QueryClient, onState: (state: LiveState) => void) {
  let source: EventSource | undefined
  let retry: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  const open = (fresh: boolean) => {
    source = new EventSource('/api/events', { withCredentials: true })
    source.onopen = () => {
      onState('open')
      if (fresh) void queries.invalidateQueries()
      fresh = false
    }
    source.onerror = () => {
      onState('reconnecting')
      if (source?.readyState !== EventSource.CLOSED || stopped) return
      retry = setTimeout(() => open(true), 5000)
    }
    for (const [type, key] of Object.entries(TOUCHES))
      source.addEventListener(type, () => {
        void queries.invalidateQueries({ queryKey: [key] })
      })
  }
  open(false)
  return () => {
    stopped = true
    clearTimeout(retry)
    source?.close()
  }
}
