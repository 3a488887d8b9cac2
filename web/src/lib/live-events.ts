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
 * The staff event stream (`GET /api/events`); each event refetches the queries it touches. After a dropped
 * connection EventSource reconnects by itself and sends `Last-Event-ID`, so the server replays what was
 * missed. A stream the server refused (EventSource then gives up) is opened anew after a pause, from the
 * last event seen (`last_event_id`), and everything is refetched.
 */
export function followLiveEvents(queries: QueryClient, onState: (state: LiveState) => void) {
  let source: EventSource | undefined
  let retry: ReturnType<typeof setTimeout> | undefined
  let lastEventId = ''
  let stopped = false
  const open = (fresh: boolean) => {
    const from = lastEventId ? `?last_event_id=${encodeURIComponent(lastEventId)}` : ''
    source = new EventSource(`/api/events${from}`)
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
      source.addEventListener(type, (event) => {
        lastEventId = event.lastEventId || lastEventId
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
