import { pgTable, text } from 'drizzle-orm/pg-core'
import { createdAt, id, ref } from './columns.ts'

export const companies = pgTable('companies', {
  id: id(),
  name: text('name').notNull(),
  slug: text('slug').notNull().unique(),
  /** Host names whose storefront and vendor requests belong to this company. */
  hosts: text('hosts').array().notNull().default([]),
  createdAt: createdAt(),
})

export const locations = pgTable('locations', {
  id: id(),
  companyId: ref('company_id')
    .notNull()
    .references(() => companies.id),
  name: text('name').notNull(),
  createdAt: createdAt(),
})
