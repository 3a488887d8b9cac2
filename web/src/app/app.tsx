import { QueryClient, QueryClientProvider, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { Loading } from '../components/states.tsx'
import { fetchMe } from '../features/auth/auth-api.ts'
import { SignIn } from '../features/auth/sign-in.tsx'
import { ApiError, sessionEnded } from '../lib/api-client.ts'
import { I18nProvider } from '../lib/i18n.tsx'
import { Shell } from './shell.tsx'

const NOT_SIGNED_IN = 'Authentication credentials were not provided.'

const queries = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // A refusal will not change by asking again; a dropped connection may.
      retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
    },
  },
})

/** Signed in: the inbox; otherwise the sign-in form. */
function Gate() {
  const client = useQueryClient()
  const me = useQuery({
    queryKey: ['me'],
    queryFn: fetchMe,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  })
  useEffect(() => {
    const ended = () => client.setQueryData(['me'], null)
    sessionEnded.addEventListener('ended', ended)
    return () => sessionEnded.removeEventListener('ended', ended)
  }, [client])
  if (me.isPending)
    return (
      <main className="center-page">
        <Loading />
      </main>
    )
  // Signed in elsewhere on this site as a customer: the API says why the inbox is closed to them.
  const refusal = me.error instanceof ApiError && me.error.status === 403 && me.error.message
  if (!me.data) return <SignIn notice={refusal && refusal !== NOT_SIGNED_IN ? refusal : undefined} />
  return <Shell user={me.data} />
}

export function App() {
  return (
    <QueryClientProvider client={queries}>
      <I18nProvider>
        <Gate />
      </I18nProvider>
    </QueryClientProvider>
  )
}
