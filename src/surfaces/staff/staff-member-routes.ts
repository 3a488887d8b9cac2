import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Domain } from '../../domain/create-domain.ts'
import { signedInUser } from '../http/request-context.ts'
import { presentStaffMember } from './user-presenter.ts'
import { StaffMember } from './user-schemas.ts'

export const staffMemberRoutes: FastifyPluginAsyncTypebox<{ domain: Domain }> = async (app, { domain }) => {
  app.get(
    '/staff-members/',
    {
      schema: {
        summary: 'List Staff Members',
        description:
          'The company’s active staff and admin users, by name: whom a contact or a conversation can be assigned to.',
        operationId: 'listStaffMembers',
        tags: ['Staff'],
        response: { 200: Type.Array(StaffMember) },
      },
    },
    async (request) => (await domain.accounts.staffMembers(signedInUser(request))).map(presentStaffMember),
  )
}
