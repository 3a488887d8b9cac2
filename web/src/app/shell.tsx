import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { AppLink } from '../components/app-link.tsx'
import { LanguagePicker } from '../components/language-picker.tsx'
import { ShortcutsDialog } from '../components/shortcuts-dialog.tsx'
import { Avatar } from '../components/states.tsx'
import { type StaffUser, signOut } from '../features/auth/auth-api.ts'
import { unviewedContactsCount } from '../features/contacts/contacts-api.ts'
import { ContactsScreen } from '../features/contacts/contacts-screen.tsx'
import { unreadConversationsCount } from '../features/conversations/conversations-api.ts'
import { ConversationsScreen } from '../features/conversations/conversations-screen.tsx'
import { SettingsScreen } from '../features/settings/settings-screen.tsx'
import { nameOf } from '../lib/format.ts'
import { useI18n } from '../lib/i18n.tsx'
import { followLiveEvents, type LiveState } from '../lib/live-events.ts'
import { routeOf, usePath } from '../lib/router.ts'

function NavItem({
  to,
  label,
  count,
  capped = false,
  countLabel,
  active,
  icon,
}: {
  to: string
  label: string
  count?: number
  /** The count stopped at a bound: there are more. */
  capped?: boolean
  countLabel?: string
  active: boolean
  icon: React.ReactNode
}) {
  return (
    <li>
      <AppLink
        to={to}
        className={`nav-item${active ? ' nav-item-active' : ''}`}
        aria-current={active ? 'page' : undefined}
      >
        {icon}
        <span className="nav-label">{label}</span>
        {count !== undefined && count > 0 && (
          <>
            <span className="count" aria-hidden="true">
              {capped ? `${count}+` : count}
            </span>
            <span className="visually-hidden">{countLabel}</span>
          </>
        )}
      </AppLink>
    </li>
  )
}

const icons = {
  contacts: (
    <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor">
      <rect x="3" y="5" width="18" height="14" rx="2" strokeWidth="1.7" />
      <path strokeWidth="1.7" d="m4 7 8 6 8-6" />
    </svg>
  ),
  conversations: (
    <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor">
      <path strokeWidth="1.7" d="M4 5h16v10H9l-5 4z" />
    </svg>
  ),
  settings: (
    <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor">
      <path strokeWidth="1.7" d="M4 7h10M18 7h2M4 17h4M12 17h8" />
      <circle cx="16" cy="7" r="2" strokeWidth="1.7" />
      <circle cx="10" cy="17" r="2" strokeWidth="1.7" />
    </svg>
  ),
}

/** Navigation, the signed-in user, the live stream's state, and the screen the path names. */
export function Shell({ user }: { user: StaffUser }) {
  const { t } = useI18n()
  const queries = useQueryClient()
  const route = routeOf(usePath())
  const [live, setLive] = useState<LiveState>('connecting')
  useEffect(() => followLiveEvents(queries, setLive), [queries])

  const unviewed = useQuery({ queryKey: ['contacts', 'unviewed-count'], queryFn: unviewedContactsCount }).data
  const unread = useQuery({
    queryKey: ['conversations', 'unread-count'],
    queryFn: unreadConversationsCount,
  }).data
  const waiting = `${(unviewed?.total ?? 0) + (unread?.total ?? 0)}${unviewed?.capped || unread?.capped ? '+' : ''}`
  useEffect(() => {
    document.title = `${waiting !== '0' ? `(${waiting}) ` : ''}${t('app.inbox')} · Parley`
  }, [waiting, t])

  const logout = useMutation({
    mutationFn: signOut,
    onSuccess: () => {
      queries.setQueryData(['me'], null)
      // Nothing of this user's stays in memory for the next one to sign in here.
      queries.removeQueries({ predicate: (query) => query.queryKey[0] !== 'me' })
    },
  })
  const isAdmin = user.is_superuser
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span>{t('app.name')}</span>
        </div>
        <nav aria-label={t('nav.label')}>
          <ul className="nav-list">
            <NavItem
              to="/contacts"
              label={t('nav.contacts')}
              count={unviewed?.total}
              capped={unviewed?.capped}
              countLabel={t(unviewed?.capped ? 'nav.unviewedAtLeast' : 'nav.unviewed', {
                count: unviewed?.total ?? 0,
              })}
              active={route.screen === 'contacts'}
              icon={icons.contacts}
            />
            <NavItem
              to="/conversations"
              label={t('nav.conversations')}
              count={unread?.total}
              capped={unread?.capped}
              countLabel={t(unread?.capped ? 'conversations.unreadTotalAtLeast' : 'nav.unread', {
                count: unread?.total ?? 0,
              })}
              active={route.screen === 'conversations'}
              icon={icons.conversations}
            />
            {isAdmin && (
              <NavItem
                to="/settings"
                label={t('nav.settings')}
                active={route.screen === 'settings'}
                icon={icons.settings}
              />
            )}
          </ul>
        </nav>
        <div className="sidebar-foot">
          <p className={`live live-${live}`} role="status">
            <span className="live-dot" aria-hidden="true" />
            {live === 'open' ? t('live.on') : t('live.off')}
          </p>
          <div className="sidebar-tools">
            <LanguagePicker />
            <ShortcutsDialog />
          </div>
          <div className="me">
            <Avatar name={nameOf(user)} />
            <div className="me-text">
              <span className="me-name">{nameOf(user)}</span>
              <span className="muted">{isAdmin ? t('user.admin') : t('user.staff')}</span>
            </div>
            <button
              type="button"
              className="icon-button"
              aria-label={t('user.signOut')}
              title={t('user.signOut')}
              onClick={() => logout.mutate()}
            >
              <svg
                aria-hidden="true"
                width="18"
                height="18"
                viewBox="0 0 24 24"
                fill="none"
                stroke="currentColor"
              >
                <path strokeWidth="1.7" d="M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10" />
              </svg>
            </button>
          </div>
        </div>
      </aside>
      <main className="content" id="main">
        {route.screen === 'contacts' && <ContactsScreen id={route.id} />}
        {route.screen === 'conversations' && <ConversationsScreen id={route.id} />}
        {route.screen === 'settings' && <SettingsScreen isAdmin={isAdmin} />}
        {route.screen === 'not-found' && (
          <div className="state">
            <h1>{t('notFound.title')}</h1>
            <AppLink to="/contacts" className="button">
              {t('notFound.back')}
            </AppLink>
          </div>
        )}
      </main>
    </div>
  )
}
