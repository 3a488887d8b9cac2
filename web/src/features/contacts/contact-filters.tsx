import { useQuery } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { useI18n } from '../../lib/i18n.tsx'
import { type ContactFilters, listSubjects, noContactFilters } from './contacts-api.ts'

/** Search (as you type, after a pause), viewed, status, subject, operation and a date range. */
export function ContactFiltersBar({
  filters,
  onChange,
}: {
  filters: ContactFilters
  onChange(filters: ContactFilters): void
}) {
  const { t } = useI18n()
  const subjects = useQuery({ queryKey: ['subjects'], queryFn: listSubjects, staleTime: 60_000 }).data ?? []
  const [search, setSearch] = useState(filters.search)
  const [operation, setOperation] = useState(filters.operation)
  useEffect(() => {
    const timer = setTimeout(() => {
      if (search !== filters.search || operation !== filters.operation)
        onChange({ ...filters, search, operation })
    }, 300)
    return () => clearTimeout(timer)
  }, [search, operation, filters, onChange])
  const set = (change: Partial<ContactFilters>) => onChange({ ...filters, ...change })
  const active = JSON.stringify(filters) !== JSON.stringify(noContactFilters)
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
          placeholder={t('contacts.searchPlaceholder')}
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
      </label>
      <div className="filter-row">
        <label className="mini-field">
          <span>{t('contacts.viewed')}</span>
          <select
            value={filters.viewed}
            onChange={(event) => set({ viewed: event.target.value as ContactFilters['viewed'] })}
          >
            <option value="">{t('common.all')}</option>
            <option value="false">{t('contacts.unviewed')}</option>
            <option value="true">{t('contacts.viewed')}</option>
          </select>
        </label>
        <label className="mini-field">
          <span>{t('contacts.status')}</span>
          <select
            value={filters.status}
            onChange={(event) => set({ status: event.target.value as ContactFilters['status'] })}
          >
            <option value="">{t('common.all')}</option>
            <option value="open">{t('contacts.status.open')}</option>
            <option value="resolved">{t('contacts.status.resolved')}</option>
          </select>
        </label>
        <label className="mini-field">
          <span>{t('contacts.subject')}</span>
          <select value={filters.subject} onChange={(event) => set({ subject: event.target.value })}>
            <option value="">{t('common.all')}</option>
            {subjects.map((subject) => (
              <option key={subject.id} value={String(subject.id)}>
                {subject.text}
              </option>
            ))}
          </select>
        </label>
        <label className="mini-field">
          <span>{t('contacts.operation')}</span>
          <input type="text" value={operation} onChange={(event) => setOperation(event.target.value)} />
        </label>
        <label className="mini-field">
          <span>{t('common.from')}</span>
          <input type="date" value={filters.from} onChange={(event) => set({ from: event.target.value })} />
        </label>
        <label className="mini-field">
          <span>{t('common.to')}</span>
          <input type="date" value={filters.to} onChange={(event) => set({ to: event.target.value })} />
        </label>
        {active && (
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              setSearch('')
              setOperation('')
              onChange(noContactFilters)
            }}
          >
            {t('common.clear')}
          </button>
        )}
      </div>
    </search>
  )
}
