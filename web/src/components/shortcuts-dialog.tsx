import { useEffect, useRef, useState } from 'react'
import { useI18n } from '../lib/i18n.tsx'
import type { MessageKey } from '../lib/messages-en.ts'
import { useShortcut } from '../lib/shortcuts.ts'

const LIST: [string, MessageKey][] = [
  ['j', 'shortcuts.next'],
  ['k', 'shortcuts.previous'],
  ['r', 'shortcuts.reply'],
  ['e', 'shortcuts.archive'],
  ['x', 'shortcuts.resolve'],
  ['?', 'shortcuts.help'],
]

/** The `?` key (or the header's button) lists the keyboard shortcuts. */
export function ShortcutsDialog() {
  const { t } = useI18n()
  const [open, setOpen] = useState(false)
  const dialog = useRef<HTMLDialogElement>(null)
  useShortcut('?', () => setOpen((was) => !was))
  useEffect(() => {
    const element = dialog.current
    if (!element) return
    if (open && !element.open) element.showModal()
    if (!open && element.open) element.close()
  }, [open])
  return (
    <>
      <button
        type="button"
        className="icon-button"
        aria-label={t('shortcuts.open')}
        title={t('shortcuts.open')}
        onClick={() => setOpen(true)}
      >
        <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor">
          <rect x="2.5" y="6" width="19" height="12" rx="2" strokeWidth="1.6" />
          <path strokeWidth="1.6" d="M6 10h1M10 10h1M14 10h1M18 10h0M7 14h10" />
        </svg>
      </button>
      <dialog
        ref={dialog}
        className="dialog"
        aria-labelledby="shortcuts-title"
        onClose={() => setOpen(false)}
      >
        <h2 id="shortcuts-title">{t('shortcuts.title')}</h2>
        <dl className="shortcut-list">
          {LIST.map(([key, label]) => (
            <div key={key}>
              <dt>
                <kbd>{key}</kbd>
              </dt>
              <dd>{t(label)}</dd>
            </div>
          ))}
        </dl>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={() => setOpen(false)}>
            {t('common.close')}
          </button>
        </div>
      </dialog>
    </>
  )
}
