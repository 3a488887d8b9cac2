import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Empty, Failure, FormErrors, Loading } from '../../components/states.tsx'
import { shortTime } from '../../lib/format.ts'
import { useI18n } from '../../lib/i18n.tsx'
import { type Endpoint, listDeliveries, resendDelivery } from './webhooks-api.ts'

export const deliveriesKey = (endpoint: number) => ['webhook-deliveries', endpoint]

/** An endpoint's latest deliveries; pending ones are polled so a retry's outcome shows without a reload. */
export function WebhookDeliveries({ endpoint }: { endpoint: Endpoint }) {
  const { t, label, locale } = useI18n()
  const queries = useQueryClient()
  const deliveries = useQuery({
    queryKey: deliveriesKey(endpoint.id),
    queryFn: () => listDeliveries(endpoint.id),
    refetchInterval: (query) =>
      query.state.data?.some((delivery) => delivery.status === 'pending') ? 2_000 : false,
  })
  const resend = useMutation({
    mutationFn: resendDelivery,
    onSuccess: () => queries.invalidateQueries({ queryKey: deliveriesKey(endpoint.id) }),
  })
  if (deliveries.isPending) return <Loading />
  if (deliveries.isError) return <Failure error={deliveries.error} onRetry={() => deliveries.refetch()} />
  if (deliveries.data.length === 0) return <Empty title={t('webhooks.noDeliveries')} />
  return (
    <>
      <table className="deliveries">
        <caption className="visually-hidden">{t('webhooks.deliveriesOf', { url: endpoint.url })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('webhooks.event')}</th>
            <th scope="col">{t('webhooks.status')}</th>
            <th scope="col">{t('webhooks.attempts')}</th>
            <th scope="col">{t('webhooks.lastCode')}</th>
            <th scope="col">{t('webhooks.nextRetry')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('webhooks.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {deliveries.data.map((delivery) => (
            <tr key={delivery.id}>
              <td>
                <code>{delivery.event_type}</code>
              </td>
              <td>{label('webhooks.state', delivery.status)}</td>
              <td>{delivery.attempt_count}</td>
              <td>{delivery.last_status_code ?? '—'}</td>
              <td>{delivery.next_attempt_at ? shortTime(delivery.next_attempt_at, locale) : '—'}</td>
              <td>
                <button
                  type="button"
                  className="button button-small button-quiet"
                  aria-label={t('webhooks.resendOne', { event: delivery.event_type, id: delivery.id })}
                  disabled={resend.isPending}
                  onClick={() => resend.mutate(delivery.id)}
                >
                  {t('webhooks.resend')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <FormErrors error={resend.error} />
    </>
  )
}
