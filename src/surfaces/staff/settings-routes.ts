import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Domain } from '../../domain/create-domain.ts'
import type { SettingView } from '../../domain/settings/settings-service.ts'
import { ErrorResponse } from '../drf/schemas.ts'
import { nullable } from '../http/nullable.ts'
import { signedInUser } from '../http/request-context.ts'

const Setting = Type.Object({
  key: Type.String(),
  value: Type.Unknown(),
  default: Type.Unknown(),
  is_default: Type.Boolean(),
  description: Type.String(),
  updated_at: nullable(Type.String({ format: 'date-time' })),
})

const KeyParams = Type.Object({ key: Type.String() })

const presentSetting = (view: SettingView) => ({
  key: view.key,
  value: view.value,
  default: view.default,
  is_default: view.isDefault,
  description: view.description,
  updated_at: view.updatedAt?.toISOString() ?? null,
})

export const settingsRoutes: FastifyPluginAsyncTypebox<{ domain: Domain }> = async (app, { domain }) => {
  app.get(
    '/settings/',
    {
      schema: {
        summary: 'List dynamic settings',
        operationId: 'listSettings',
        description: 'Every dynamic setting with its value in effect and its configured default. Admin only.',
        tags: ['Settings'],
        response: { 200: Type.Array(Setting) },
      },
    },
    async (request) => (await domain.settings.list(signedInUser(request))).map(presentSetting),
  )

  app.get(
    '/settings/:key/',
    {
      schema: {
        summary: 'Get a dynamic setting',
        operationId: 'retrieveSetting',
        tags: ['Settings'],
        params: KeyParams,
        response: { 200: Setting },
      },
    },
    async (request) => presentSetting(await domain.settings.get(signedInUser(request), request.params.key)),
  )

  app.put(
    '/settings/:key/',
    {
      schema: {
        summary: 'Change a dynamic setting',
        operationId: 'updateSetting',
        description:
          'Sets `value`, validated for the key; `null` returns the key to its configured default. In effect on the next request on every instance.',
        tags: ['Settings'],
        params: KeyParams,
        body: Type.Object({ value: Type.Unknown() }, { required: ['value'] }),
        response: { 200: Setting, 400: ErrorResponse },
      },
    },
    async (request) =>
      presentSetting(
        await domain.settings.update(signedInUser(request), request.params.key, request.body.value),
      ),
  )
}
