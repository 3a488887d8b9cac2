import { LANGUAGES, type Language, useI18n } from '../lib/i18n.tsx'

export function LanguagePicker() {
  const { t, language, setLanguage } = useI18n()
  return (
    <label className="language-picker">
      <span className="visually-hidden">{t('language.label')}</span>
      <svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor">
        <circle cx="12" cy="12" r="9" strokeWidth="1.6" />
        <path strokeWidth="1.6" d="M3 12h18M12 3c3 3.5 3 14.5 0 18M12 3c-3 3.5-3 14.5 0 18" />
      </svg>
      <select value={language} onChange={(event) => setLanguage(event.target.value as Language)}>
        {Object.entries(LANGUAGES).map(([code, name]) => (
          <option key={code} value={code} lang={code}>
            {name}
          </option>
        ))}
      </select>
    </label>
  )
}
