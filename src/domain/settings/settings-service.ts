import type { Db } from '../../db/client.ts'
import { changingContexts } from '../contacts/submission-context-cache.ts'
import { DomainError, notFound } from '../errors.ts'
import { requireAdmin } from '../policy/staff.ts'
import type { Principal } from '../principal.ts'
import { type SettingDefaults, type SettingKey, type Settings, settingDefinitions } from './definitions.ts'
import { type SettingOverride, settingsRepository } from './settings-repository.ts'

export type SettingView = {
  key: SettingKey
  value: unknown
  default: unknown
  isDefault: boolean
  description: string
  updatedAt: Date | null
}

/**
 * Dynamic settings: defaults from configuration, overridden per company by staff. Read from the database on
 * every use, so a change is in effect on the next request on every instance. Contact-us forms, the busiest
 * reader, are the exception: they hold them, so other instances' forms follow a change once it is notified,
 * a moment after its commit (see createContextCache).
 */
export function createSettingsService(db: Db, defaults: SettingDefaults, bodyLimit: number) {
  const definitions = settingDefinitions(bodyLimit)
  const definitionOf = (key: string) => definitions.find((definition) => definition.key === key)

  async function views(companyId: number, runIn: Db = db): Promise<SettingView[]> {
    return viewsOf(await settingsRepository.overrides(runIn, companyId))
  }

  function viewsOf(rows: SettingOverride[]): SettingView[] {
    const overrides = new Map(rows.map((row) => [row.key, row]))
    return definitions.map(({ key, description }) => {
      const override = overrides.get(key)
      return {
        key,
        value: override ? override.value : defaults[key],
        default: defaults[key],
        isDefault: override === undefined,
        description,
        updatedAt: override?.updatedAt ?? null,
      }
    })
  }

  return {
    /** The settings in effect for a company, for the domain's own use. */
    async current(companyId: number, runIn: Db = db): Promise<Settings> {
      return this.fromOverrides(await settingsRepository.overrides(runIn, companyId))
    },

    /** The settings in effect given a company's overrides, read by a caller along with its own rows. */
    fromOverrides(rows: SettingOverride[]): Settings {
      return Object.fromEntries(viewsOf(rows).map((view) => [view.key, view.value])) as Settings
    },

    async list(principal: Principal): Promise<SettingView[]> {
      requireAdmin(principal)
      return views(principal.companyId)
    },

    async get(principal: Principal, key: string): Promise<SettingView> {
      requireAdmin(principal)
      const view = (await views(principal.companyId)).find((candidate) => candidate.key === key)
      if (!view) throw notFound()
      return view
    },

    /** Sets a value; `null` returns the key to its configured default. */
    async update(principal: Principal, key: string, value: unknown): Promise<SettingView> {
      requireAdmin(principal)
      const definition = definitionOf(key)
      if (!definition) throw notFound()
      if (value === null) {
        await changingContexts(db, settingsRepository.remove(db, principal.companyId, key))
      } else {
        const problem = definition.problem(value)
        if (problem) throw new DomainError('validation', problem, { value: [problem] })
        await changingContexts(
          db,
          settingsRepository.upsert(db, principal.companyId, key, value, principal.userId),
        )
      }
      return this.get(principal, key)
    },
  }
}

export type SettingsService = ReturnType<typeof createSettingsService>
