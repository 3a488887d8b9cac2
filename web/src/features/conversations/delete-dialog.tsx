import { type FormEvent, useEffect, useRef, useState } from 'react'
import { FormErrors } from '../../components/states.tsx'
import { useI18n } from '../../lib/i18n.tsx'

/** A soft delete needs a reason, kept with the conversation. */
export function DeleteDialog({
  open,
  pending,
  error,
  onClose,
  onConfirm,
}: {
  open: boolean
  pending: boolean
  error: unknown
  onClose(): void
  onConfirm(reason: string): void
}) {
  const { t } = useI18n()
  const dialog = useRef<HTMLDialogElement>(null)
  const [reason, setReason] = useState('')
  useEffect(() => {
    const element = dialog.current
    if (open && element && !element.open) element.showModal()
    if (!open && element?.open) element.close()
  }, [open])
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (reason.trim()) onConfirm(reason.trim())
  }
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="delete-title" onClose={onClose}>
      <form onSubmit={submit}>
        <h2 id="delete-title">{t('conversations.deleteTitle')}</h2>
        <label className="field">
          <span>{t('conversations.deleteReason')}</span>
          <textarea rows={3} required value={reason} onChange={(event) => setReason(event.target.value)} />
        </label>
        <FormErrors error={error} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button button-danger" disabled={pending || !reason.trim()}>
            {t('conversations.delete')}
          </button>
        </div>
      </form>
    </dialog>
  )
}
