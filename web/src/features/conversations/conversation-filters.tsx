import { useQuery } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { nameOf } from '../../lib/format.ts'
import { useI18n } from '../../lib/i18n.tsx'
import { fetchStaffMembers } from '../auth/auth-api.ts'
import { type ConversationFilters, noConversationFilters } from './conversations-api.ts'

export function ConversationFiltersBar({
  filters,
  onChange,
}: {
  filters: ConversationFilters
  onChange(filters: ConversationFilters): void
}) {
  const { t } = useI18n()
  const members = useQuery({
    queryKey: ['staff-members'],
    queryFn: fetchStaffMembers,
    staleTime: 300_000,
  }).data
  const [search, setSearch] = useState(filters.search)
  const [seller, setSeller] = useState(filters.seller)
  useEffect(() => {
    const timer = setTimeout(() => {
      if (search !== filters.search || seller !== filters.seller) onChange({ ...filters, search, seller })
    }, 300)
    return () => clearTimeout(timer)
  }, [search, seller, filters, onChange])
  const set = (change: Partial<ConversationFilters>) => onChange({ ...filters, ...change })
  const active = JSON.stringify(filters) !== JSON.stringify(noConversationFilters)
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
          placeholder={t('conversations.searchPlaceholder')}
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
      </label>
      <div className="filter-row">
        <label className="mini-field">
          <span>{t('conversations.sort')}</span>
          <select
            value={filters.ordering}
            onChange={(event) => set({ ordering: event.target.value as ConversationFilters['ordering'] })}
          >
            <option value="unread">{t('conversations.unreadFirst')}</option>
            <option value="-last_message_at">{t('conversations.newestFirst')}</option>
          </select>
        </label>
        <label className="mini-field">
          <span>{t('conversations.status')}</span>
          <select
            value={filters.status}
            onChange={(event) => set({ status: event.target.value as ConversationFilters['status'] })}
          >
            <option value="">{t('common.all')}</option>
            {(['open', 'answered', 'archived', 'deleted'] as const).map((status) => (
              <option key={status} value={status}>
                {t(`conversations.status.${status}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="mini-field">
          <span>{t('conversations.type')}</span>
          <select
            value={filters.type}
            onChange={(event) => set({ type: event.target.value as ConversationFilters['type'] })}
          >
            <option value="">{t('common.all')}</option>
            {(['message', 'question', 'review'] as const).map((type) => (
              <option key={type} value={type}>
                {t(`conversations.type.${type}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="mini-field">
          <span>{t('conversations.sellerId')}</span>
          <input
            type="text"
            inputMode="numeric"
            size={6}
            value={seller}
            onChange={(event) => setSeller(event.target.value)}
          />
        </label>
        <label className="mini-field">
          <span>{t('conversations.assignee')}</span>
          <select value={filters.assignee} onChange={(event) => set({ assignee: event.target.value })}>
            <option value="">{t('common.all')}</option>
            <option value="none">{t('common.unassigned')}</option>
            {(members ?? []).map((member) => (
              <option key={member.id} value={String(member.id)}>
                {nameOf(member)}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={filters.unread}
            onChange={(event) => set({ unread: event.target.checked })}
          />
          {t('conversations.unreadOnly')}
        </label>
        {active && (
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              setSearch('')
              setSeller('')
              onChange(noConversationFilters)
            }}
          >
            {t('common.clear')}
          </button>
        )}
      </div>
    </search>
  )
}
