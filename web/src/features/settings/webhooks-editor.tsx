import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useId, useState } from 'react'
import { Empty, Failure, FormErrors, Loading } from '../../components/states.tsx'
import { ApiError } from '../../lib/api-client.ts'
import { useI18n } from '../../lib/i18n.tsx'
import { SecretOnce } from './secret-once.tsx'
import { deliveriesKey, WebhookDeliveries } from './webhook-deliveries.tsx'
import {
  ALL_EVENTS,
  createEndpoint,
  deleteEndpoint,
  type Endpoint,
  EVENT_TYPES,
  listEndpoints,
  rotateSecret,
  sendTestEvent,
  setEndpointEnabled,
} from './webhooks-api.ts'

const ENDPOINTS = ['webhook-endpoints']

/** Webhook endpoints (issue 26): who receives Parley's signed events, and how their deliveries went. */
export function WebhooksEditor() {
  const { t } = useI18n()
  const endpoints = useQuery({ queryKey: ENDPOINTS, queryFn: listEndpoints })
  return (
    <section aria-labelledby="webhooks-title" className="page-section">
      <h2 id="webhooks-title">{t('webhooks.title')}</h2>
      <p className="muted">{t('webhooks.hint')}</p>
      {endpoints.isPending ? (
        <Loading />
      ) : endpoints.isError ? (
        <Failure error={endpoints.error} onRetry={() => endpoints.refetch()} />
      ) : (
        <div className="cards">
          {endpoints.data.length === 0 && <Empty title={t('webhooks.none')} />}
          {endpoints.data.map((endpoint) => (
            <EndpointCard key={endpoint.id} endpoint={endpoint} />
          ))}
          <NewEndpointForm />
        </div>
      )}
    </section>
  )
}

function EndpointCard({ endpoint }: { endpoint: Endpoint }) {
  const { t } = useI18n()
  const queries = useQueryClient()
  const [secret, setSecret] = useState<string | null>(null)
  const [showDeliveries, setShowDeliveries] = useState(false)
  const titleId = useId()
  const refresh = () => queries.invalidateQueries({ queryKey: ENDPOINTS })
  const toggle = useMutation({
    mutationFn: () => setEndpointEnabled(endpoint.id, !endpoint.enabled),
    onSuccess: refresh,
  })
  const remove = useMutation({ mutationFn: () => deleteEndpoint(endpoint.id), onSuccess: refresh })
  const rotate = useMutation({
    mutationFn: () => rotateSecret(endpoint.id),
    onSuccess: (rotated) => setSecret(rotated.secret),
  })
  const test = useMutation({
    mutationFn: () => sendTestEvent(endpoint.id),
    onSuccess: () => queries.invalidateQueries({ queryKey: deliveriesKey(endpoint.id) }),
  })
  const confirmDelete = () => {
    if (window.confirm(t('webhooks.confirmDelete', { url: endpoint.url }))) remove.mutate()
  }
  return (
    <article className="card webhook" aria-labelledby={titleId}>
      <div className="setting-head">
        <h3 id={titleId}>
          <code>{endpoint.url}</code>
        </h3>
        <span className={`tag ${endpoint.enabled ? 'tag-green' : 'tag-muted'}`}>
          {endpoint.enabled ? t('webhooks.enabled') : t('webhooks.disabled')}
        </span>
      </div>
      {endpoint.description && <p>{endpoint.description}</p>}
      <p className="muted small">
        {t('webhooks.events')}:{' '}
        {endpoint.events.includes(ALL_EVENTS) ? t('webhooks.allEvents') : endpoint.events.join(', ')}
      </p>
      {endpoint.disabled_reason && <p className="banner banner-red">{t('webhooks.disabledFailing')}</p>}
      {secret && <SecretOnce secret={secret} onDone={() => setSecret(null)} />}
      <FormErrors error={toggle.error ?? remove.error ?? rotate.error ?? test.error} />
      <div className="setting-actions">
        {test.isSuccess && (
          <span className="saved" role="status">
            ✓ {t('webhooks.testQueued')}
          </span>
        )}
        <button
          type="button"
          className="button button-quiet"
          aria-label={t('webhooks.sendTestTo', { url: endpoint.url })}
          disabled={test.isPending}
          onClick={() => test.mutate()}
        >
          {t('webhooks.sendTest')}
        </button>
        <button
          type="button"
          className="button button-quiet"
          aria-label={t('webhooks.rotateFor', { url: endpoint.url })}
          disabled={rotate.isPending}
          onClick={() => rotate.mutate()}
        >
          {t('webhooks.rotate')}
        </button>
        <button
          type="button"
          className="button button-quiet"
          aria-label={t(endpoint.enabled ? 'webhooks.disableOne' : 'webhooks.enableOne', {
            url: endpoint.url,
          })}
          disabled={toggle.isPending}
          onClick={() => toggle.mutate()}
        >
          {endpoint.enabled ? t('webhooks.disable') : t('webhooks.enable')}
        </button>
        <button
          type="button"
          className="button button-danger"
          aria-label={t('webhooks.deleteOne', { url: endpoint.url })}
          disabled={remove.isPending}
          onClick={confirmDelete}
        >
          {t('common.delete')}
        </button>
      </div>
      {/* Fetched only when opened: a shop with many endpoints loads no delivery it does not look at. */}
      <details onToggle={(event) => setShowDeliveries(event.currentTarget.open)}>
        <summary>{t('webhooks.deliveries')}</summary>
        {showDeliveries && <WebhookDeliveries endpoint={endpoint} />}
      </details>
    </article>
  )
}

function NewEndpointForm() {
  const { t } = useI18n()
  const queries = useQueryClient()
  const [url, setUrl] = useState('')
  const [description, setDescription] = useState('')
  const [events, setEvents] = useState<string[]>([ALL_EVENTS])
  const [secret, setSecret] = useState<string | null>(null)
  const save = useMutation({
    mutationFn: () => createEndpoint({ url: url.trim(), events, description: description.trim() }),
    onSuccess: (created) => {
      setSecret(created.secret)
      setUrl('')
      setDescription('')
      setEvents([ALL_EVENTS])
      queries.invalidateQueries({ queryKey: ENDPOINTS })
    },
  })
  const submit = (event: FormEvent) => {
    event.preventDefault()
    save.mutate()
  }
  const toggleEvent = (type: string, on: boolean) => {
    if (type === ALL_EVENTS) return setEvents(on ? [ALL_EVENTS] : [])
    const rest = events.filter((one) => one !== type && one !== ALL_EVENTS)
    setEvents(on ? [...rest, type] : rest)
  }
  const errors = save.error instanceof ApiError ? save.error : null
  const fieldErrors = (field: string) =>
    errors?.messagesFor(field).map((message) => (
      <p className="field-error" role="alert" key={message}>
        {message}
      </p>
    ))
  const known = new Set(['url', 'events', 'description'])
  const otherErrors =
    errors && Object.keys(errors.body).every((field) => known.has(field)) ? null : save.error
  return (
    <form className="card subject-new" onSubmit={submit} aria-label={t('webhooks.new')}>
      <h3>{t('webhooks.new')}</h3>
      {secret && <SecretOnce secret={secret} onDone={() => setSecret(null)} />}
      <label className="field">
        <span>{t('webhooks.url')}</span>
        <input type="url" required value={url} onChange={(event) => setUrl(event.target.value)} />
      </label>
      {fieldErrors('url')}
      <fieldset className="rows">
        <legend>{t('webhooks.events')}</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={events.includes(ALL_EVENTS)}
            onChange={(event) => toggleEvent(ALL_EVENTS, event.target.checked)}
          />
          {t('webhooks.allEvents')}
        </label>
        {EVENT_TYPES.map((type) => (
          <label className="check" key={type}>
            <input
              type="checkbox"
              checked={events.includes(type)}
              disabled={events.includes(ALL_EVENTS)}
              onChange={(event) => toggleEvent(type, event.target.checked)}
            />
            <code>{type}</code>
          </label>
        ))}
      </fieldset>
      {fieldErrors('events')}
      <label className="field">
        <span>{t('webhooks.description')}</span>
        <input type="text" value={description} onChange={(event) => setDescription(event.target.value)} />
      </label>
      {fieldErrors('description')}
      <FormErrors error={otherErrors} />
      <div className="setting-actions">
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          {t('webhooks.add')}
        </button>
      </div>
    </form>
  )
}
