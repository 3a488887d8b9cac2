import { useState } from 'react'
import { useI18n } from '../../lib/i18n.tsx'

/** A signing secret the API shows once: readable, copyable, and plainly never shown again. */
export function SecretOnce({ secret, onDone }: { secret: string; onDone(): void }) {
  const { t } = useI18n()
  const [copied, setCopied] = useState(false)
  const copy = async () => {
    await navigator.clipboard.writeText(secret)
    setCopied(true)
  }
  return (
    <div className="banner secret-once" role="status">
      <p>
        <strong>{t('webhooks.secretTitle')}</strong> {t('webhooks.secretOnce')}
      </p>
      <code className="code">{secret}</code>
      <div className="setting-actions">
        {copied && <span className="saved">✓ {t('webhooks.copied')}</span>}
        <button type="button" className="button button-quiet" onClick={copy}>
          {t('webhooks.copySecret')}
        </button>
        <button type="button" className="button button-primary" onClick={onDone}>
          {t('webhooks.secretSaved')}
        </button>
      </div>
    </div>
  )
}
