import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { Empty, Failure, FormErrors, Loading } from '../../components/states.tsx'
import { LANGUAGES, useI18n } from '../../lib/i18n.tsx'
import {
  createSubject,
  deleteSubject,
  listAllSubjects,
  type Subject,
  type SubjectInput,
  updateSubject,
} from './settings-api.ts'

const LANGUAGE_CODES = Object.keys(LANGUAGES)

/** The contact-us form's subjects, each with its text in every language the inbox speaks. */
export function SubjectsEditor() {
  const { t } = useI18n()
  const subjects = useQuery({ queryKey: ['subjects', 'all'], queryFn: listAllSubjects })
  return (
    <section aria-labelledby="subjects-title" className="page-section">
      <h2 id="subjects-title">{t('settings.subjects')}</h2>
      <p className="muted">{t('settings.subjectsHint')}</p>
      {subjects.isPending ? (
        <Loading />
      ) : subjects.isError ? (
        <Failure error={subjects.error} onRetry={() => subjects.refetch()} />
      ) : (
        <div className="cards">
          {subjects.data.length === 0 && <Empty title={t('settings.noSubjects')} />}
          {subjects.data.map((subject) => (
            <SubjectForm key={`${subject.id}:${subject.updated_at}`} subject={subject} />
          ))}
          <SubjectForm key={`new:${subjects.data.length}`} />
        </div>
      )}
    </section>
  )
}

function SubjectForm({ subject }: { subject?: Subject }) {
  const { t } = useI18n()
  const queries = useQueryClient()
  const [draft, setDraft] = useState<SubjectInput>(() => ({
    texts: { ...Object.fromEntries(LANGUAGE_CODES.map((code) => [code, ''])), ...subject?.texts },
    default_language: subject?.default_language ?? 'en',
    is_order_needed: subject?.is_order_needed ?? false,
    position: subject?.position ?? 0,
  }))
  const refresh = () => queries.invalidateQueries({ queryKey: ['subjects'] })
  const save = useMutation({
    mutationFn: () => {
      const body = {
        ...draft,
        texts: Object.fromEntries(Object.entries(draft.texts).filter(([, text]) => text.trim())),
      }
      return subject ? updateSubject(subject.id, body) : createSubject(body)
    },
    onSuccess: refresh,
  })
  const remove = useMutation({ mutationFn: () => deleteSubject(subject?.id ?? 0), onSuccess: refresh })
  const submit = (event: FormEvent) => {
    event.preventDefault()
    save.mutate()
  }
  const languages = [...new Set([...LANGUAGE_CODES, ...Object.keys(draft.texts)])]
  const name = subject?.text ?? t('settings.newSubject')
  return (
    <form className={`card subject${subject ? '' : ' subject-new'}`} onSubmit={submit} aria-label={name}>
      <div className="setting-head">
        <h3>{name}</h3>
        {subject && (
          <button
            type="button"
            className="icon-button"
            aria-label={t('settings.deleteSubject', { name })}
            onClick={() => remove.mutate()}
          >
            <svg
              aria-hidden="true"
              width="16"
              height="16"
              viewBox="0 0 24 24"
              fill="none"
              stroke="currentColor"
            >
              <path strokeWidth="1.7" d="M5 7h14M10 7V4h4v3M7 7l1 13h8l1-13" />
            </svg>
          </button>
        )}
      </div>
      <div className="subject-grid">
        {languages.map((code) => (
          <label className="field" key={code}>
            <span>{t('settings.subjectText', { language: code })}</span>
            <input
              type="text"
              lang={code}
              value={draft.texts[code] ?? ''}
              onChange={(event) =>
                setDraft({ ...draft, texts: { ...draft.texts, [code]: event.target.value } })
              }
            />
          </label>
        ))}
        <label className="field">
          <span>{t('settings.defaultLanguage')}</span>
          <select
            value={draft.default_language}
            onChange={(event) => setDraft({ ...draft, default_language: event.target.value })}
          >
            {languages.map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </select>
        </label>
        <label className="field field-narrow">
          <span>{t('settings.position')}</span>
          <input
            type="number"
            min={0}
            value={draft.position}
            onChange={(event) => setDraft({ ...draft, position: Number(event.target.value) })}
          />
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.is_order_needed}
            onChange={(event) => setDraft({ ...draft, is_order_needed: event.target.checked })}
          />
          {t('settings.orderNeeded')}
        </label>
      </div>
      <FormErrors error={save.error ?? remove.error} />
      <div className="setting-actions">
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          {subject ? t('common.save') : t('settings.addSubject')}
        </button>
      </div>
    </form>
  )
}
