import type { AriaAttributes, MouseEvent, ReactNode } from 'react'
import { BASE, navigate } from '../lib/router.ts'

/** A link inside the app that changes the screen without reloading it. */
export function AppLink({
  to,
  className,
  children,
  ...rest
}: { to: string; className?: string; children: ReactNode } & AriaAttributes) {
  const follow = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    event.preventDefault()
    navigate(to)
  }
  return (
    <a href={`${BASE}${to}`} className={className} onClick={follow} {...rest}>
      {children}
    </a>
  )
}
