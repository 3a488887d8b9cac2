import type { ReactNode } from 'react'
import { ApiError } from '../lib/api-client.ts'
import { useI18n } from '../lib/i18n.tsx'

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n()
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('common.loading')}</span>
    </div>
  )
}

export function Failure({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n()
  const detail = error instanceof ApiError ? error.messages.join(' ') : undefined
  return (
    <div className="state state-error" role="alert">
      <strong>{t('common.error')}</strong>
      {detail && <span className="muted">{detail}</span>}
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  )
}

export function Empty({ title, hint, icon }: { title: string; hint?: string; icon?: ReactNode }) {
  return (
    <div className="state state-empty">
      {icon ?? (
        <svg aria-hidden="true" width="40" height="40" viewBox="0 0 24 24" fill="none" stroke="currentColor">
          <path strokeWidth="1.5" d="M3 13h5l2 3h4l2-3h5M5 5h14l2 8v6H3v-6z" />
        </svg>
      )}
      <strong>{title}</strong>
      {hint && <span className="muted">{hint}</span>}
    </div>
  )
}

/** A DRF page's navigation: previous/next and where we are. */
export function Pager({
  page,
  count,
  pageSize,
  onPage,
  capped = false,
}: {
  page: number
  count: number
  pageSize: number
  onPage(page: number): void
  /** More than `count` match: the API stopped counting there, so the last page is not known. */
  capped?: boolean
}) {
  const { t, locale } = useI18n()
  const pages = Math.max(1, Math.ceil(count / pageSize))
  const shown = count.toLocaleString(locale)
  const results = capped
    ? t('common.resultsAtLeast', { count: shown })
    : count === 1
      ? t('common.resultOne')
      : t('common.results', { count: shown })
  const where = capped ? t('common.page', { page }) : t('common.pageOf', { page, pages })
  return (
    <nav className="pager" aria-label={where}>
      <span className="muted">{results}</span>
      <div className="pager-buttons">
        <button
          type="button"
          className="button button-quiet"
          disabled={page <= 1}
          onClick={() => onPage(page - 1)}
        >
          {t('common.previous')}
        </button>
        <span aria-current="page">{where}</span>
        <button
          type="button"
          className="button button-quiet"
          disabled={!capped && page >= pages}
          onClick={() => onPage(page + 1)}
        >
          {t('common.next')}
        </button>
      </div>
    </nav>
  )
}

export function Avatar({ name, tone }: { name: string; tone?: string }) {
  const initials = name
    .trim()
    .split(/[\s@.]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase())
    .join('')
  return (
    <span className={`avatar ${tone ? `avatar-${tone}` : ''}`} aria-hidden="true">
      {initials || '?'}
    </span>
  )
}

/** Messages of a failed write, next to the form that made it. */
export function FormErrors({ error }: { error: unknown }) {
  if (!error) return null
  const messages = error instanceof ApiError ? error.messages : [String(error)]
  return (
    <div className="form-errors" role="alert">
      {messages.map((message) => (
        <p key={message}>{message}</p>
      ))}
    </div>
  )
}
