import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'
import { AppLink } from '../../components/app-link.tsx'
import { AssigneePicker } from '../../components/assignee-picker.tsx'
import { PaperClip } from '../../components/icons.tsx'
import { ReplyBox } from '../../components/reply-box.tsx'
import { Avatar, Failure, FormErrors, Loading } from '../../components/states.tsx'
import { fileSize, fullTime, nameOf } from '../../lib/format.ts'
import { useI18n } from '../../lib/i18n.tsx'
import { useShortcut } from '../../lib/shortcuts.ts'
import {
  type Contact,
  type ContactChange,
  changeContact,
  openContact,
  replyToContact,
  retryEmail,
} from './contacts-api.ts'

/** One contact: opening it marks it viewed; the sender, order, attachment, emails, replies and answer. */
export function ContactDetail({ id }: { id: number }) {
  const { t, locale } = useI18n()
  const queries = useQueryClient()
  const contact = useQuery({
    queryKey: ['contacts', 'one', id],
    queryFn: () => openContact(id),
    // An email on its way is looked at again until it is delivered or given up on.
    refetchInterval: (query) =>
      query.state.data?.emails.some((email) => email.status === 'pending') ? 2000 : false,
  })
  const opened = contact.data !== undefined
  // The retrieval marked it viewed: the list and the badge are out of date.
  useEffect(() => {
    if (opened)
      void queries.invalidateQueries({
        queryKey: ['contacts'],
        predicate: (query) => query.queryKey[1] !== 'one',
      })
  }, [opened, queries])
  const refresh = (updated?: Contact) => {
    if (updated) queries.setQueryData(['contacts', 'one', id], updated)
    void queries.invalidateQueries({ queryKey: ['contacts'] })
  }
  const change = useMutation({
    mutationFn: (body: ContactChange) => changeContact(id, body),
    onSuccess: refresh,
  })
  const reply = useMutation({
    mutationFn: (body: string) => replyToContact(id, body),
    onSuccess: () => refresh(),
  })
  const retry = useMutation({
    mutationFn: (emailId: number) => retryEmail(id, emailId),
    onSuccess: () => refresh(),
  })
  const replyField = useRef<HTMLTextAreaElement>(null)
  const resolved = contact.data?.status === 'resolved'
  useShortcut('r', opened ? () => replyField.current?.focus() : undefined)
  useShortcut('x', opened ? () => change.mutate({ status: resolved ? 'open' : 'resolved' }) : undefined)

  if (contact.isPending) return <Loading />
  if (contact.isError) return <Failure error={contact.error} onRetry={() => contact.refetch()} />
  const c = contact.data
  const sender =
    nameOf({ email: c.email, first_name: c.first_name, last_name: c.last_name }) || t('contacts.guest')
  const isImage = c.attachment?.content_type.startsWith('image/')
  return (
    <article className="detail" aria-labelledby="contact-subject">
      <header className="detail-head">
        <div>
          <AppLink to="/contacts" className="back-link">
            ← {t('common.back')}
          </AppLink>
          <h2 id="contact-subject">{c.subject}</h2>
          <p className="muted">
            {t('contacts.received', { when: fullTime(c.created_at, locale) })}
            {c.viewed_at && ` · ${t('contacts.viewedAt', { when: fullTime(c.viewed_at, locale) })}`}
          </p>
        </div>
        <div className="detail-actions">
          {c.status !== undefined && (
            <span className={`tag ${resolved ? 'tag-green' : 'tag-amber'}`}>
              {t(resolved ? 'contacts.status.resolved' : 'contacts.status.open')}
            </span>
          )}
          <AssigneePicker
            label={t('contacts.assignee')}
            value={c.assignee?.id ?? null}
            onChange={(assignee) => change.mutate({ assignee })}
          />
          <button type="button" className="button" onClick={() => change.mutate({ viewed: false })}>
            {t('contacts.markUnviewed')}
          </button>
          <button
            type="button"
            className={`button ${resolved ? '' : 'button-primary'}`}
            onClick={() => change.mutate({ status: resolved ? 'open' : 'resolved' })}
            aria-keyshortcuts="x"
          >
            {resolved ? t('contacts.reopen') : t('contacts.resolve')}
          </button>
        </div>
      </header>
      <FormErrors error={change.error} />

      <div className="detail-body">
        <div className="thread">
          <div className="message message-customer">
            <div className="message-head">
              <Avatar name={sender} tone="customer" />
              <strong>{sender}</strong>
              <span className="muted">{c.email}</span>
            </div>
            <p className="message-text">{c.message}</p>
            {c.attachment && (
              <figure className="attachment">
                {isImage && <img src={c.attachment.url} alt={c.attachment.name} loading="lazy" />}
                <figcaption>
                  <span>
                    <PaperClip /> {c.attachment.name} · {fileSize(c.attachment.size)}
                  </span>
                  <a className="button button-quiet" href={c.attachment.url} download={c.attachment.name}>
                    {t('contacts.download')}
                  </a>
                </figcaption>
              </figure>
            )}
          </div>
          {(c.replies ?? []).map((answer) => (
            <div key={answer.id} className="message message-staff">
              <div className="message-head">
                <Avatar name={nameOf(answer.author)} tone="staff" />
                <strong>{nameOf(answer.author)}</strong>
                <time className="muted" dateTime={answer.created_at}>
                  {fullTime(answer.created_at, locale)}
                </time>
                {answer.email && <EmailBadge status={answer.email.status} />}
              </div>
              <p className="message-text">{answer.body}</p>
            </div>
          ))}
          {c.email ? (
            <ReplyBox
              ref={replyField}
              label={t('contacts.replyTo', { email: c.email })}
              placeholder={t('contacts.replyPlaceholder')}
              submitLabel={t('common.send')}
              pending={reply.isPending}
              error={reply.error}
              onSubmit={(body) => reply.mutateAsync(body)}
            />
          ) : (
            <p className="muted">{t('contacts.noEmailAddress')}</p>
          )}
        </div>

        <aside className="facts" aria-label={t('contacts.sender')}>
          <section>
            <h3>{t('contacts.sender')}</h3>
            <dl>
              <dt>{t('signIn.email')}</dt>
              <dd>{c.email || '—'}</dd>
              <dt>{t('contacts.phone')}</dt>
              <dd>{c.mobile_number || '—'}</dd>
              <dt>{t('contacts.account')}</dt>
              <dd>{c.user ? c.user.email : t('contacts.guest')}</dd>
              {c.operation && (
                <>
                  <dt>{t('contacts.operation')}</dt>
                  <dd>{c.operation}</dd>
                </>
              )}
            </dl>
          </section>
          {c.order && (
            <section>
              <h3>{t('contacts.order')}</h3>
              <p className="order-number">#{c.order.number}</p>
              {c.order.items && c.order.items.length > 0 && (
                <ul className="order-items" aria-label={t('contacts.orderItems')}>
                  {c.order.items.map((item) => (
                    <li key={item.id}>
                      {item.product_name}
                      <span className="muted"> × {item.quantity}</span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          )}
          <section>
            <h3>{t('contacts.emails')}</h3>
            {c.emails.length === 0 ? (
              <p className="muted">{t('contacts.noEmails')}</p>
            ) : (
              <ul className="email-list">
                {c.emails.map((email) => (
                  <li key={email.id}>
                    <div className="email-row">
                      <EmailBadge status={email.status} />
                      <span className="muted">{t('contacts.email.attempts', { count: email.attempts })}</span>
                    </div>
                    <span className="email-to">{t('contacts.email.to', { to: email.to.join(', ') })}</span>
                    {email.last_error && <span className="email-error">{email.last_error}</span>}
                    {email.status === 'failed' && (
                      <button
                        type="button"
                        className="button button-small"
                        disabled={retry.isPending}
                        onClick={() => retry.mutate(email.id)}
                      >
                        {t('contacts.retry')}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
            <FormErrors error={retry.error} />
          </section>
        </aside>
      </div>
    </article>
  )
}

function EmailBadge({ status }: { status: string }) {
  const { t } = useI18n()
  const tone = status === 'sent' ? 'tag-green' : status === 'failed' ? 'tag-red' : 'tag-amber'
  const label =
    status === 'sent'
      ? t('contacts.email.sent')
      : status === 'failed'
        ? t('contacts.email.failed')
        : t('contacts.email.pending')
  return <span className={`tag ${tone}`}>{label}</span>
}
