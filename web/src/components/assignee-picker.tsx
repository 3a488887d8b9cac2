import { useQuery } from '@tanstack/react-query'
import { fetchStaffMembers } from '../features/auth/auth-api.ts'
import { nameOf } from '../lib/format.ts'
import { useI18n } from '../lib/i18n.tsx'

/** The company's staff and admins, to assign a contact or a conversation to one of them (or nobody). */
export function AssigneePicker({
  label,
  value,
  onChange,
}: {
  label: string
  value: number | null
  onChange(assignee: number | null): void
}) {
  const { t } = useI18n()
  const members = useQuery({ queryKey: ['staff-members'], queryFn: fetchStaffMembers, staleTime: 300_000 })
  return (
    <label className="inline-select">
      <span className="visually-hidden">{label}</span>
      <svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor">
        <circle cx="12" cy="8" r="4" strokeWidth="1.7" />
        <path strokeWidth="1.7" d="M4 21c1-4 4.5-6 8-6s7 2 8 6" />
      </svg>
      <select
        value={value === null ? '' : String(value)}
        disabled={!members.data}
        onChange={(event) => onChange(event.target.value === '' ? null : Number(event.target.value))}
      >
        <option value="">{t('common.unassigned')}</option>
        {(members.data ?? []).map((member) => (
          <option key={member.id} value={String(member.id)}>
            {nameOf(member)}
          </option>
        ))}
      </select>
    </label>
  )
}
