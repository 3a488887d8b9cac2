import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { LanguagePicker } from '../../components/language-picker.tsx'
import { ApiError } from '../../lib/api-client.ts'
import { useI18n } from '../../lib/i18n.tsx'
import { signIn } from './auth-api.ts'

/** Email and password; a user who is neither staff nor admin is told so and gets no session. */
export function SignIn({ notice }: { notice?: string }) {
  const { t } = useI18n()
  const queries = useQueryClient()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const login = useMutation({
    mutationFn: () => signIn(email, password),
    onSuccess: (user) => queries.setQueryData(['me'], user),
  })
  const submit = (event: FormEvent) => {
    event.preventDefault()
    login.mutate()
  }
  const error = login.error
  const message =
    error instanceof ApiError && error.status === 403
      ? t('signIn.refused')
      : error instanceof ApiError && error.status === 400
        ? t('signIn.failed')
        : error
          ? error.message
          : notice && t('signIn.refused')
  return (
    <main className="sign-in">
      <form className="sign-in-card" onSubmit={submit} aria-labelledby="sign-in-title">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          <span>{t('app.name')}</span>
        </div>
        <h1 id="sign-in-title">{t('signIn.title')}</h1>
        <p className="muted">{t('signIn.subtitle')}</p>
        {message && (
          <div className="form-errors" role="alert">
            <p>{message}</p>
          </div>
        )}
        <label className="field">
          <span>{t('signIn.email')}</span>
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('signIn.password')}</span>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        <button type="submit" className="button button-primary button-block" disabled={login.isPending}>
          {login.isPending ? t('signIn.working') : t('signIn.submit')}
        </button>
        <LanguagePicker />
      </form>
    </main>
  )
}
