import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import { AppLink } from '../../components/app-link.tsx'
import { AssigneePicker } from '../../components/assignee-picker.tsx'
import { ReplyBox } from '../../components/reply-box.tsx'
import { Avatar, Failure, FormErrors, Loading } from '../../components/states.tsx'
import { fullTime, nameOf } from '../../lib/format.ts'
import { useI18n } from '../../lib/i18n.tsx'
import { navigate } from '../../lib/router.ts'
import { useShortcut } from '../../lib/shortcuts.ts'
import {
  addNote,
  type ConversationChange,
  changeConversation,
  deleteConversation,
  fetchThread,
  type Message,
  markThreadRead,
  postStaffMessage,
} from './conversations-api.ts'
import { DeleteDialog } from './delete-dialog.tsx'

/** One conversation: its messages oldest first, the item it is about, replies, notes and its state. */
export function ThreadView({ id }: { id: number }) {
  const { t, label, locale } = useI18n()
  const queries = useQueryClient()
  const thread = useQuery({ queryKey: ['conversations', 'one', id], queryFn: () => fetchThread(id) })
  const refresh = () => queries.invalidateQueries({ queryKey: ['conversations'] })
  const read = useMutation({ mutationFn: () => markThreadRead(id), onSuccess: refresh })
  const unread = thread.data?.unread_count ?? 0
  const lastMessage = thread.data?.messages.at(-1)?.id
  const markedUpTo = useRef<number | undefined>(undefined)
  const markRead = read.mutate
  // Open means read: on opening, and again when a message arrives while it is open (once per message).
  useEffect(() => {
    if (unread === 0 || lastMessage === undefined || markedUpTo.current === lastMessage) return
    markedUpTo.current = lastMessage
    markRead()
  }, [unread, lastMessage, markRead])
  const change = useMutation({
    mutationFn: (body: ConversationChange) => changeConversation(id, body),
    onSuccess: refresh,
  })
  const reply = useMutation({ mutationFn: (text: string) => postStaffMessage(id, text), onSuccess: refresh })
  const note = useMutation({ mutationFn: (body: string) => addNote(id, body), onSuccess: refresh })
  const remove = useMutation({
    mutationFn: (reason: string) => deleteConversation(id, reason),
    onSuccess: async () => {
      await refresh()
      navigate('/conversations')
    },
  })
  const [deleting, setDeleting] = useState(false)
  const [mode, setMode] = useState<'reply' | 'note'>('reply')
  const replyField = useRef<HTMLTextAreaElement>(null)
  const end = useRef<HTMLDivElement>(null)
  const count = thread.data?.messages.length ?? 0
  useEffect(() => {
    if (count > 0) end.current?.scrollIntoView({ block: 'end' })
  }, [count])
  const c = thread.data
  const answered = c?.status === 'answered'
  useShortcut(
    'r',
    c
      ? () => {
          setMode('reply')
          setTimeout(() => replyField.current?.focus())
        }
      : undefined,
  )
  useShortcut('e', c ? () => change.mutate({ archived: !c.archived }) : undefined)
  useShortcut('x', c ? () => change.mutate({ status: answered ? 'open' : 'answered' }) : undefined)

  if (thread.isPending) return <Loading />
  if (thread.isError || !c) return <Failure error={thread.error} onRetry={() => thread.refetch()} />
  // The shop API opens conversations without a customer; the staff are then their only party.
  const customer = c.customer ? nameOf(c.customer) : t('conversations.noCustomer')
  return (
    <article className="detail" aria-labelledby="thread-subject">
      <header className="detail-head">
        <div>
          <AppLink to="/conversations" className="back-link">
            ← {t('common.back')}
          </AppLink>
          <h2 id="thread-subject">{c.subject || c.product?.name || t('conversations.noSubject')}</h2>
          <p className="muted">
            {label('conversations.counterparty', c.counterparty)} · {label('conversations.type', c.type)}
            {customer && ` · ${customer}`}
            {c.seller && ` · ${c.seller.name}`}
          </p>
        </div>
        <div className="detail-actions">
          <span
            className={`tag ${c.status === 'open' ? 'tag-amber' : c.status === 'answered' ? 'tag-green' : 'tag-muted'}`}
          >
            {label('conversations.status', c.status)}
          </span>
          <AssigneePicker
            label={t('conversations.assignee')}
            value={c.assignee?.id ?? null}
            onChange={(assignee) => change.mutate({ assignee })}
          />
          {!c.deleted && (
            <>
              <button
                type="button"
                className="button"
                aria-keyshortcuts="x"
                onClick={() => change.mutate({ status: answered ? 'open' : 'answered' })}
              >
                {answered ? t('conversations.reopen') : t('conversations.markAnswered')}
              </button>
              <button
                type="button"
                className="button"
                aria-keyshortcuts="e"
                onClick={() => change.mutate({ archived: !c.archived })}
              >
                {c.archived ? t('conversations.unarchive') : t('conversations.archive')}
              </button>
              <button type="button" className="button button-danger" onClick={() => setDeleting(true)}>
                {t('conversations.delete')}
              </button>
            </>
          )}
        </div>
      </header>
      <FormErrors error={change.error} />
      {c.deleted && <p className="banner banner-red">{t('conversations.deleted')}</p>}

      <div className="detail-body">
        <div className="thread">
          {(c.product || c.order_item) && (
            <div className="item-card">
              {c.product?.image_url && <img src={c.product.image_url} alt="" width="48" height="48" />}
              <div>
                {c.product && (
                  <p>
                    <span className="muted">{t('conversations.product')}: </span>
                    {c.product.name}
                  </p>
                )}
                {c.order_item && (
                  <p>
                    <span className="muted">
                      {t('conversations.orderItem', { number: c.order_item.order_number })}:{' '}
                    </span>
                    {c.order_item.product_name}
                  </p>
                )}
              </div>
            </div>
          )}
          {c.messages.length === 0 && <p className="muted">{t('conversations.noMessages')}</p>}
          <ol className="messages" aria-label={t('conversations.messages')}>
            {c.messages.map((message) => (
              <MessageRow key={message.id} message={message} locale={locale} />
            ))}
          </ol>
          <div ref={end} />
          {!c.deleted && (
            <div className="composer">
              <div className="tabs" role="tablist" aria-label={t('conversations.reply')}>
                <button
                  type="button"
                  role="tab"
                  aria-selected={mode === 'reply'}
                  className="tab"
                  onClick={() => setMode('reply')}
                >
                  {t('conversations.reply')}
                </button>
                <button
                  type="button"
                  role="tab"
                  aria-selected={mode === 'note'}
                  className="tab"
                  onClick={() => setMode('note')}
                >
                  {t('conversations.note')}
                </button>
              </div>
              {mode === 'reply' ? (
                <ReplyBox
                  ref={replyField}
                  label={t('conversations.reply')}
                  placeholder={t('conversations.replyPlaceholder')}
                  submitLabel={t('common.send')}
                  pending={reply.isPending}
                  error={reply.error}
                  onSubmit={(text) => reply.mutateAsync(text)}
                />
              ) : (
                <ReplyBox
                  tone="note"
                  label={t('conversations.note')}
                  placeholder={t('conversations.notePlaceholder')}
                  submitLabel={t('conversations.addNote')}
                  pending={note.isPending}
                  error={note.error}
                  onSubmit={(body) => note.mutateAsync(body)}
                />
              )}
            </div>
          )}
        </div>
        <aside className="facts" aria-label={t('conversations.notes')}>
          <section>
            <h3>{t('conversations.customer')}</h3>
            <p>{customer || '—'}</p>
            {c.customer && <p className="muted">{c.customer.email}</p>}
          </section>
          {c.seller && (
            <section>
              <h3>{t('conversations.seller')}</h3>
              <p>{c.seller.name}</p>
            </section>
          )}
          <section>
            <h3>{t('conversations.notes')}</h3>
            {c.notes.length === 0 ? (
              <p className="muted">{t('conversations.noNotes')}</p>
            ) : (
              <ul className="notes">
                {c.notes.map((entry) => (
                  <li key={entry.id} className="note">
                    <p>{entry.body}</p>
                    <span className="muted">
                      {nameOf(entry.author)} · {fullTime(entry.created_at, locale)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </aside>
      </div>
      <DeleteDialog
        open={deleting}
        pending={remove.isPending}
        error={remove.error}
        onClose={() => setDeleting(false)}
        onConfirm={(reason) => remove.mutate(reason)}
      />
    </article>
  )
}

function MessageRow({ message, locale }: { message: Message; locale: string }) {
  const { t, label } = useI18n()
  const role = message.sender.role
  const mark = message.is_read
    ? t('conversations.read')
    : message.is_delivered
      ? t('conversations.delivered')
      : t('conversations.sent')
  return (
    <li className={`message message-${role}`}>
      <div className="message-head">
        <Avatar name={message.sender.name} tone={role} />
        <strong>{message.sender.name}</strong>
        <span className={`tag tag-role-${role}`}>{label('conversations.role', role)}</span>
        <time className="muted" dateTime={message.created_at}>
          {fullTime(message.created_at, locale)}
        </time>
      </div>
      {message.text && <p className="message-text">{message.text}</p>}
      {message.image_url && (
        <a href={message.image_url} target="_blank" rel="noreferrer">
          <img
            className="message-image"
            src={message.image_url}
            alt={t('conversations.imageFrom', { name: message.sender.name })}
            loading="lazy"
          />
        </a>
      )}
      <span className={`receipt${message.is_read ? ' receipt-read' : ''}`}>{mark}</span>
    </li>
  )
}
