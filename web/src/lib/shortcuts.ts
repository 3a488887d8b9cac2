import { useEffect, useRef } from 'react'

/** The keys the app answers; `?` lists them (components/shortcuts-dialog.tsx). */
export type ShortcutKey = 'j' | 'k' | 'r' | 'e' | 'x' | '?'

const handlers = new Map<ShortcutKey, () => void>()

function typingIn(target: EventTarget | null) {
  if (!(target instanceof HTMLElement)) return false
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)
}

window.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target)) return
  if (document.querySelector('dialog[open]') && event.key !== '?') return
  const handler = handlers.get(event.key as ShortcutKey)
  if (!handler) return
  event.preventDefault()
  handler()
})

/** While the calling component is mounted, `key` runs `handler` (the latest one given). */
export function useShortcut(key: ShortcutKey, handler: (() => void) | undefined) {
  const latest = useRef(handler)
  latest.current = handler
  const enabled = handler !== undefined
  useEffect(() => {
    if (!enabled) return
    const run = () => latest.current?.()
    handlers.set(key, run)
    return () => {
      if (handlers.get(key) === run) handlers.delete(key)
    }
  }, [key, enabled])
}
