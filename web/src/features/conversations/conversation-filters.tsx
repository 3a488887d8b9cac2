import { useQuery } from '@tanstack/react-query'
import { FilterBar, useTypedFilters } from '../../components/filter-bar.tsx'
import { nameOf } from '../../lib/format.ts'
import { useI18n } from '../../lib/i18n.tsx'
import { fetchStaffMembers } from '../auth/auth-api.ts'
import { type ConversationFilters, noConversationFilters } from './conversations-api.ts'

const TYPED = ['search', 'seller'] as const

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
  const { typed, type, clear } = useTypedFilters(filters, TYPED, onChange)
  const set = (change: Partial<ConversationFilters>) => onChange({ ...filters, ...change })
  return (
    <FilterBar
      search={typed.search}
      searchPlaceholder={t('conversations.searchPlaceholder')}
      onSearch={(search) => type('search', search)}
      active={JSON.stringify(filters) !== JSON.stringify(noConversationFilters)}
      onClear={() => {
        clear()
        onChange(noConversationFilters)
      }}
    >
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
          value={typed.seller}
          onChange={(event) => type('seller', event.target.value)}
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
    </FilterBar>
  )
}
