import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react'
import { en, type MessageKey } from './messages-en.ts'
import { tr } from './messages-tr.ts'

export const LANGUAGES = { en: 'English', tr: 'Türkçe' } as const
export type Language = keyof typeof LANGUAGES
const dictionaries: Record<Language, Record<MessageKey, string>> = { en, tr }
const STORAGE_KEY = 'parley.language'

/** The language chosen here before, else the browser's first one we speak, else English. */
function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY)
  if (stored === 'en' || stored === 'tr') return stored
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0]
    if (base === 'en' || base === 'tr') return base
  }
  return 'en'
}

type Translate = (key: MessageKey, values?: Record<string, string | number>) => string
type I18n = {
  language: Language
  setLanguage(language: Language): void
  t: Translate
  /** `prefix.value`'s text, for a value the API words (a status, a type); the value itself if unknown. */
  label(prefix: string, value: string): string
  locale: string
}
const I18nContext = createContext<I18n | null>(null)

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage)
  useEffect(() => {
    document.documentElement.lang = language
  }, [language])
  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(STORAGE_KEY, next)
    setLanguageState(next)
  }, [])
  const value = useMemo<I18n>(() => {
    const dictionary = dictionaries[language]
    const t: Translate = (key, values) =>
      dictionary[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values?.[name] ?? `{${name}}`))
    const label = (prefix: string, value: string) => {
      const key = `${prefix}.${value}`
      return key in dictionary ? t(key as MessageKey) : value
    }
    return { language, setLanguage, t, label, locale: language === 'tr' ? 'tr-TR' : 'en-GB' }
  }, [language, setLanguage])
  return <I18nContext value={value}>{children}</I18nContext>
}

export function useI18n() {
  const i18n = useContext(I18nContext)
  if (!i18n) throw new Error('useI18n outside I18nProvider')
  return i18n
}
