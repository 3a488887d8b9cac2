import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useId, useState } from 'react'
import { FormErrors } from '../../components/states.tsx'
import { ApiError } from '../../lib/api-client.ts'
import { commaList } from '../../lib/format.ts'
import { useI18n } from '../../lib/i18n.tsx'
import { type Setting, updateSetting } from './settings-api.ts'

type Draft = { value: unknown } | { invalid: string }
type EditorProps<T> = { value: T; onDraft(draft: Draft): void }

/** One dynamic setting as a form fitted to its value; the API's validation message shows beside it. */
export function SettingEditor({ setting }: { setting: Setting }) {
  const { t, label } = useI18n()
  const queries = useQueryClient()
  const [draft, setDraft] = useState<Draft>({ value: setting.value })
  const [saved, setSaved] = useState(false)
  const save = useMutation({
    mutationFn: (value: unknown) => updateSetting(setting.key, value),
    onSuccess: (updated) => {
      queries.setQueryData<Setting[]>(['settings'], (all) =>
        all?.map((one) => (one.key === updated.key ? updated : one)),
      )
      setDraft({ value: updated.value })
      setSaved(true)
    },
  })
  const submit = (event: FormEvent) => {
    event.preventDefault()
    setSaved(false)
    if ('value' in draft) save.mutate(draft.value)
  }
  const onDraft = (next: Draft) => {
    setSaved(false)
    setDraft(next)
  }
  const titleId = useId()
  const fieldError = save.error instanceof ApiError ? save.error.messagesFor('value') : []
  return (
    <form className="card setting" onSubmit={submit} aria-labelledby={titleId}>
      <div className="setting-head">
        <h3 id={titleId}>
          <code>{setting.key}</code>
        </h3>
        {setting.is_default && <span className="tag tag-muted">{t('settings.isDefault')}</span>}
      </div>
      <p className="muted">
        {label('setting', setting.key) === setting.key ? setting.description : label('setting', setting.key)}
      </p>
      <Editor key={JSON.stringify(setting.value)} setting={setting} onDraft={onDraft} />
      {'invalid' in draft && (
        <p className="field-error" role="alert">
          {draft.invalid}
        </p>
      )}
      {fieldError.length > 0 ? (
        <div className="form-errors" role="alert">
          {fieldError.map((message) => (
            <p key={message}>{message}</p>
          ))}
        </div>
      ) : (
        <FormErrors error={save.error} />
      )}
      <div className="setting-actions">
        {saved && (
          <span className="saved" role="status">
            ✓ {t('common.saved')}
          </span>
        )}
        {!setting.is_default && (
          <button type="button" className="button button-quiet" onClick={() => save.mutate(null)}>
            {t('settings.reset')}
          </button>
        )}
        <button
          type="submit"
          className="button button-primary"
          disabled={save.isPending || 'invalid' in draft}
        >
          {t('common.save')}
        </button>
      </div>
    </form>
  )
}

function Editor({ setting, onDraft }: { setting: Setting; onDraft(draft: Draft): void }) {
  const value = setting.value
  switch (setting.key) {
    case 'CONTACT_US_EMAIL_TO':
      return <RoutingEditor value={value as Record<string, string[]>} onDraft={onDraft} />
    case 'EMAIL_BCC_AND_CC':
      return (
        <CopiesEditor value={value as Record<string, { cc?: string[]; bcc?: string[] }>} onDraft={onDraft} />
      )
    case 'CONTACT_US_ALLOWED_EXTENSIONS':
      return <ListEditor value={value as string[]} onDraft={onDraft} />
    default:
      if (typeof value === 'boolean') return <SwitchEditor value={value} onDraft={onDraft} />
      if (typeof value === 'number') return <NumberEditor value={value} onDraft={onDraft} />
      return <JsonEditor value={value} onDraft={onDraft} />
  }
}

function RoutingEditor({ value, onDraft }: EditorProps<Record<string, string[]>>) {
  const { t } = useI18n()
  const [rows, setRows] = useState(() =>
    Object.entries(value ?? {}).map(([operation, to]) => ({ operation, to: to.join(', ') })),
  )
  const update = (next: typeof rows) => {
    setRows(next)
    onDraft({
      value: Object.fromEntries(
        next.filter((row) => row.operation.trim()).map((row) => [row.operation.trim(), commaList(row.to)]),
      ),
    })
  }
  return (
    <fieldset className="rows">
      <legend>{t('settings.routing')}</legend>
      <p className="muted small">{t('settings.routingHint')}</p>
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
        <div className="row" key={index}>
          <label className="field field-narrow">
            <span>{t('settings.operation')}</span>
            <input
              type="text"
              value={row.operation}
              onChange={(event) =>
                update(
                  rows.map((one, at) => (at === index ? { ...one, operation: event.target.value } : one)),
                )
              }
            />
          </label>
          <label className="field field-grow">
            <span>{t('settings.recipients')}</span>
            <input
              type="text"
              value={row.to}
              onChange={(event) =>
                update(rows.map((one, at) => (at === index ? { ...one, to: event.target.value } : one)))
              }
            />
          </label>
          <button
            type="button"
            className="icon-button"
            aria-label={t('settings.removeOperation', { operation: row.operation || '—' })}
            onClick={() => update(rows.filter((_, at) => at !== index))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        className="button button-quiet"
        onClick={() => update([...rows, { operation: '', to: '' }])}
      >
        + {t('settings.addOperation')}
      </button>
    </fieldset>
  )
}

function CopiesEditor({ value, onDraft }: EditorProps<Record<string, { cc?: string[]; bcc?: string[] }>>) {
  const { t } = useI18n()
  const current = value?.contact_us ?? {}
  const [cc, setCc] = useState((current.cc ?? []).join(', '))
  const [bcc, setBcc] = useState((current.bcc ?? []).join(', '))
  const update = (nextCc: string, nextBcc: string) => {
    setCc(nextCc)
    setBcc(nextBcc)
    onDraft({ value: { ...value, contact_us: { cc: commaList(nextCc), bcc: commaList(nextBcc) } } })
  }
  return (
    <div className="rows">
      <label className="field">
        <span>{t('settings.cc')}</span>
        <input type="text" value={cc} onChange={(event) => update(event.target.value, bcc)} />
      </label>
      <label className="field">
        <span>{t('settings.bcc')}</span>
        <input type="text" value={bcc} onChange={(event) => update(cc, event.target.value)} />
      </label>
    </div>
  )
}

function ListEditor({ value, onDraft }: EditorProps<string[]>) {
  const { t } = useI18n()
  const [text, setText] = useState((value ?? []).join(', '))
  return (
    <label className="field">
      <span>{t('settings.extensions')}</span>
      <input
        type="text"
        value={text}
        onChange={(event) => {
          setText(event.target.value)
          onDraft({ value: commaList(event.target.value) })
        }}
      />
    </label>
  )
}

function SwitchEditor({ value, onDraft }: EditorProps<boolean>) {
  const { t } = useI18n()
  const [on, setOn] = useState(value)
  return (
    <label className="check">
      <input
        type="checkbox"
        checked={on}
        onChange={(event) => {
          setOn(event.target.checked)
          onDraft({ value: event.target.checked })
        }}
      />
      {t('settings.enabled')}
    </label>
  )
}

function NumberEditor({ value, onDraft }: EditorProps<number>) {
  const { t } = useI18n()
  const [text, setText] = useState(String(value))
  return (
    <label className="field field-narrow">
      <span>{t('settings.bytes')}</span>
      <input
        type="number"
        value={text}
        onChange={(event) => {
          setText(event.target.value)
          onDraft({ value: event.target.value === '' ? null : Number(event.target.value) })
        }}
      />
    </label>
  )
}

function JsonEditor({ value, onDraft }: EditorProps<unknown>) {
  const { t } = useI18n()
  const [text, setText] = useState(JSON.stringify(value, null, 2))
  return (
    <label className="field">
      <span>{t('settings.json')}</span>
      <textarea
        className="code"
        rows={4}
        value={text}
        onChange={(event) => {
          setText(event.target.value)
          try {
            onDraft({ value: JSON.parse(event.target.value) })
          } catch {
            onDraft({ invalid: t('settings.invalidJson') })
          }
        }}
      />
    </label>
  )
}
