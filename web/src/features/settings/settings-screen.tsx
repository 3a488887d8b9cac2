import { useQuery } from '@tanstack/react-query'
import { Failure, Loading } from '../../components/states.tsx'
import { useI18n } from '../../lib/i18n.tsx'
import { SettingEditor } from './setting-editor.tsx'
import { listSettings } from './settings-api.ts'
import { SubjectsEditor } from './subjects-editor.tsx'
import { WebhooksEditor } from './webhooks-editor.tsx'

/** Admins: the dynamic settings, the contact subjects and the webhook endpoints. */
export function SettingsScreen({ isAdmin }: { isAdmin: boolean }) {
  const { t } = useI18n()
  const settings = useQuery({ queryKey: ['settings'], queryFn: listSettings, enabled: isAdmin })
  return (
    <div className="page">
      <header className="page-head">
        <h1>{t('settings.title')}</h1>
      </header>
      {!isAdmin ? (
        <p className="banner">{t('settings.adminOnly')}</p>
      ) : (
        <>
          <section aria-labelledby="dynamic-title" className="page-section">
            <h2 id="dynamic-title">{t('settings.dynamic')}</h2>
            <p className="muted">{t('settings.dynamicHint')}</p>
            {settings.isPending ? (
              <Loading />
            ) : settings.isError ? (
              <Failure error={settings.error} onRetry={() => settings.refetch()} />
            ) : (
              <div className="cards">
                {settings.data.map((setting) => (
                  <SettingEditor key={setting.key} setting={setting} />
                ))}
              </div>
            )}
          </section>
          <SubjectsEditor />
          <WebhooksEditor />
        </>
      )}
    </div>
  )
}
