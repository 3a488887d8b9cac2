import { useQuery } from '@tanstack/react-query'
import { FilterBar, useTypedFilters } from '../../components/filter-bar.tsx'
import { useI18n } from '../../lib/i18n.tsx'
import { type ContactFilters, listSubjects, noContactFilters } from './contacts-api.ts'

const TYPED = ['search', 'operation'] as const

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
  const { typed, type, clear } = useTypedFilters(filters, TYPED, onChange)
  const set = (change: Partial<ContactFilters>) => onChange({ ...filters, ...change })
  return (
    <FilterBar
      search={typed.search}
      searchPlaceholder={t('contacts.searchPlaceholder')}
      onSearch={(search) => type('search', search)}
      active={JSON.stringify(filters) !== JSON.stringify(noContactFilters)}
      onClear={() => {
        clear()
        onChange(noContactFilters)
      }}
    >
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
        <input
          type="text"
          value={typed.operation}
          onChange={(event) => type('operation', event.target.value)}
        />
      </label>
      <label className="mini-field">
        <span>{t('common.from')}</span>
        <input type="date" value={filters.from} onChange={(event) => set({ from: event.target.value })} />
      </label>
      <label className="mini-field">
        <span>{t('common.to')}</span>
        <input type="date" value={filters.to} onChange={(event) => set({ to: event.target.value })} />
      </label>
    </FilterBar>
  )
}
