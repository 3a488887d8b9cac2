import { QueryClient, QueryClientProvider, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { Loading } from '../components/states.tsx'
import { fetchMe } from '../features/auth/auth-api.ts'
import { SignIn } from '../features/auth/sign-in.tsx'
import { ApiError, sessionEnded } from '../lib/api-client.ts'
import { I18nProvider } from '../lib/i18n.tsx'
import { Shell } from './shell.tsx'

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
  if (!me.data) return <SignIn />
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
