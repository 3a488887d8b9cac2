import type { Db } from '../../db/client.ts'
import { onePerDatabase } from '../../db/per-database.ts'
import { submissionRepository } from './submission-repository.ts'

/**
 * Contact ids drawn from the sequence a block at a time, so that a submission whose context is held costs one
 * statement. Ids are unique across instances, as the sequence's are; an instance that stops leaves the rest
 * of its block unused, a gap like a rolled-back insert's.
 */
const BLOCK_SIZE = 50

type Block = { ids: number[]; refill?: Promise<void> }

// One block per database handle: ids come from that database's sequence.
const blockOf = onePerDatabase((): Block => ({ ids: [] }))

export async function nextContactId(db: Db): Promise<number> {
  const block = blockOf(db)
  for (;;) {
    const id = block.ids.shift()
    if (id !== undefined) return id
    const current = block
    // Submissions that find the block empty together wait for one refill.
    current.refill ??= submissionRepository
      .drawIds(db, BLOCK_SIZE)
      .then((ids) => {
        current.ids.push(...ids)
      })
      .finally(() => {
        current.refill = undefined
      })
    await current.refill
  }
}
