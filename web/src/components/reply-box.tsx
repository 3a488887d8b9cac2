import { type FormEvent, type Ref, useId, useState } from 'react'
import { FormErrors } from './states.tsx'

/** A text area and its send button; it empties once the write succeeded. Ctrl/⌘+Enter sends. */
export function ReplyBox({
  ref,
  label,
  placeholder,
  submitLabel,
  pending,
  error,
  onSubmit,
  tone,
}: {
  ref?: Ref<HTMLTextAreaElement>
  label: string
  placeholder: string
  submitLabel: string
  pending: boolean
  error: unknown
  onSubmit(text: string): Promise<unknown>
  tone?: 'note'
}) {
  const [text, setText] = useState('')
  const id = useId()
  const submit = async (event?: FormEvent) => {
    event?.preventDefault()
    if (!text.trim() || pending) return
    await onSubmit(text.trim())
    setText('')
  }
  return (
    <form
      className={`reply-box${tone ? ` reply-box-${tone}` : ''}`}
      onSubmit={(event) => void submit(event).catch(() => {})}
    >
      <label htmlFor={id} className="reply-label">
        {label}
      </label>
      <textarea
        id={id}
        ref={ref}
        rows={4}
        maxLength={10000}
        placeholder={placeholder}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void submit().catch(() => {})
        }}
      />
      <FormErrors error={error} />
      <div className="reply-actions">
        <span className="muted hint">Ctrl + Enter</span>
        <button type="submit" className="button button-primary" disabled={pending || !text.trim()}>
          {submitLabel}
        </button>
      </div>
    </form>
  )
}
