import { readFileSync, unlinkSync, writeFileSync } from 'node:fs'

/** Another live process holds the embedded database folder. */
export class FolderLockedError extends Error {
  readonly holderPid: number
  constructor(folder: string, holderPid: number) {
    super(
      `The database folder ${folder} is in use by another Parley process (PID ${holderPid}): stop it first, or set DATABASE_URL=postgres://… to share a database between processes.`,
    )
    this.holderPid = holderPid
  }
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const holderOf = (path: string) => {
  try {
    return Number.parseInt(readFileSync(path, 'utf8'), 10)
  } catch {
    return Number.NaN
  }
}

/**
 * Takes `<folder>.lock`, a file holding this process's PID, or fails with FolderLockedError naming the process
 * that holds it. PGlite is one process's database: a second process opening the same folder corrupted it. A
 * lock left by a process that died (no such PID any more) is taken over. Returns how to release it.
 */
export function lockFolder(folder: string): () => void {
  const path = `${folder}.lock`
  for (;;) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' })
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const holder = holderOf(path)
    if (Number.isInteger(holder) && (holder === process.pid || isAlive(holder))) {
      throw new FolderLockedError(folder, holder)
    }
    // A dead holder's lock (or one cut short while written): remove it and try again.
    try {
      unlinkSync(path)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }
  return () => {
    if (holderOf(path) === process.pid) unlinkSync(path)
  }
}
