import { useSyncExternalStore } from 'react'

/** The app's own routes, under /inbox/ (Parley answers index.html for each of them). */
export const BASE = '/inbox'

const changed = new EventTarget()
const subscribe = (listener: () => void) => {
  window.addEventListener('popstate', listener)
  changed.addEventListener('change', listener)
  return () => {
    window.removeEventListener('popstate', listener)
    changed.removeEventListener('change', listener)
  }
}

export function navigate(path: string, options: { replace?: boolean } = {}) {
  const url = `${BASE}${path}`
  if (url === window.location.pathname + window.location.search) return
  if (options.replace) window.history.replaceState(null, '', url)
  else window.history.pushState(null, '', url)
  changed.dispatchEvent(new Event('change'))
}

/** The path inside the app, e.g. `/contacts/12`. */
export function usePath() {
  return useSyncExternalStore(subscribe, () => {
    const path = window.location.pathname.slice(BASE.length)
    return path === '' || path === '/' ? '/' : path.replace(/\/$/, '')
  })
}

export type Route =
  | { screen: 'contacts'; id?: number }
  | { screen: 'conversations'; id?: number }
  | { screen: 'settings' }
  | { screen: 'not-found' }

export function routeOf(path: string): Route {
  const [section, id] = path.split('/').filter(Boolean)
  const number = id === undefined ? undefined : Number(id)
  if (id !== undefined && !Number.isSafeInteger(number)) return { screen: 'not-found' }
  if (section === undefined || section === 'contacts') return { screen: 'contacts', id: number }
  if (section === 'conversations') return { screen: 'conversations', id: number }
  if (section === 'settings' && id === undefined) return { screen: 'settings' }
  return { screen: 'not-found' }
}
