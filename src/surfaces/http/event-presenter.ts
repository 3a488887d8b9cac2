import type { StoredEvent } from '../../domain/events/events-repository.ts'
import { snakeCase } from './naming.ts'

const snakeKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(snakeKeys)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [snakeCase(key), snakeKeys(item)]))
}

/** An event's data as the snake_case surfaces (storefront, vendor) write it. */
export const presentEventSnakeCase = (event: StoredEvent) => ({
  id: event.id,
  type: event.type,
  created_at: event.createdAt.toISOString(),
  data: snakeKeys(event.payload),
})
