import { type ReactNode, useEffect, useState } from 'react'
import { useI18n } from '../lib/i18n.tsx'

/**
 * The text fields of a list's filters, kept as typed and handed on after a 300 ms pause, so the list is not
 * fetched again on every key.
 */
export function useTypedFilters<Filters extends Record<Key, string>, Key extends string>(
  filters: Filters,
  keys: readonly Key[],
  onChange: (filters: Filters) => void,
) {
  const fields = (value: (key: Key) => string) =>
    Object.fromEntries(keys.map((key) => [key, value(key)])) as Record<Key, string>
  const [typed, setTyped] = useState(() => fields((key) => filters[key]))
  useEffect(() => {
    const timer = setTimeout(() => {
      if (keys.some((key) => typed[key] !== filters[key])) onChange({ ...filters, ...typed })
    }, 300)
    return () => clearTimeout(timer)
  }, [typed, filters, keys, onChange])
  return {
    typed,
    type: (key: Key, value: string) => setTyped((before) => ({ ...before, [key]: value })),
    /** Empties the typed fields along with a reset of the filters themselves. */
    clear: () => setTyped(fields(() => '')),
  }
}

/** A list's filters: a search box, then the other fields, and a way to clear them all when any is set. */
export function FilterBar({
  search,
  searchPlaceholder,
  onSearch,
  active,
  onClear,
  children,
}: {
  search: string
  searchPlaceholder: string
  onSearch(search: string): void
  active: boolean
  onClear(): void
  children: ReactNode
}) {
  const { t } = useI18n()
  return (
    <search className="filters" aria-label={t('common.filters')}>
      <label className="search-box">
        <span className="visually-hidden">{t('common.search')}</span>
        <svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor">
          <circle cx="11" cy="11" r="6.5" strokeWidth="1.8" />
          <path strokeWidth="1.8" d="m16 16 4.5 4.5" />
        </svg>
        <input
          type="search"
          placeholder={searchPlaceholder}
          value={search}
          onChange={(event) => onSearch(event.target.value)}
        />
      </label>
      <div className="filter-row">
        {children}
        {active && (
          <button type="button" className="button button-quiet" onClick={onClear}>
            {t('common.clear')}
          </button>
        )}
      </div>
    </search>
  )
}
