import { setTimeout as delay } from 'node:timers/promises'
import type { Database, ListenConnection } from './client.ts'

/** What a channel's subscriber is told (see Listener.subscribe). */
export type ChannelHandlers = {
  /** A notification on the channel. */
  notify(payload: string): void
  /**
   * The instance hears the channel: on subscribing while connected, and after every (re)connection. What was
   * written while it was deaf was announced to nobody: a subscriber catches up here.
   */
  heard?(): void
  /** The connection dropped or the listener stopped: notifications on the channel go unheard until `heard`. */
  deaf?(): void
}

/** Whether the instance hears its notifications: overall, and per channel subscribed to. */
export type ListenerStatus = {
  listening: boolean
  channels: Record<string, boolean>
  /** Connections made again after a loss, since the start. */
  reconnections: number
}

export type ListenerOptions = {
  /** Awaited before reconnection attempt `attempt` (0, 1, …); by default a backoff from 100 ms to 5 s. */
  beforeRetry?: (attempt: number) => Promise<void>
}

// Unref'd: a wait for the database never holds the process open.
const backoff = (attempt: number) => delay(Math.min(5_000, 100 * 2 ** attempt), undefined, { ref: false })

/**
 * The instance's one LISTEN connection, for every channel: the caches, the realtime events and the outbox
 * wake-up all subscribe here. After a connection loss it connects again with backoff, LISTENs on every
 * channel, and tells each subscriber it hears again, so each can catch up on what was announced meanwhile.
 * On PGlite, notifications are in-process and never lost.
 */
export function createListener(database: Database, options: ListenerOptions = {}) {
  const beforeRetry = options.beforeRetry ?? backoff
  const subscribers = new Map<string, Set<ChannelHandlers>>()
  /** The channels LISTENed on the current connection. */
  const heard = new Set<string>()
  let connection: ListenConnection | undefined
  let running = false
  let reconnecting: Promise<void> | undefined

  const handlersOf = (channel: string) => subscribers.get(channel) ?? new Set<ChannelHandlers>()

  function dispatch(channel: string, payload: string) {
    for (const handlers of handlersOf(channel)) handlers.notify(payload)
  }

  function lost() {
    connection = undefined
    heard.clear()
    for (const set of subscribers.values()) for (const handlers of set) handlers.deaf?.()
    if (running) reconnecting ??= reconnect().finally(() => (reconnecting = undefined))
  }

  async function listenOn(opened: ListenConnection, channel: string) {
    await opened.listen(channel)
    heard.add(channel)
  }

  async function connect() {
    const opened = await database.connectListener({ notification: dispatch, lost })
    try {
      // Until none is left: a channel subscribed while this connected is LISTENed here too.
      let unheard = [...subscribers.keys()]
      while (unheard.length > 0) {
        for (const channel of unheard) await listenOn(opened, channel)
        unheard = [...subscribers.keys()].filter((channel) => !heard.has(channel))
      }
    } catch (error) {
      heard.clear()
      await opened.close().catch(() => {})
      throw error
    }
    if (!running) {
      heard.clear()
      await opened.close()
      return
    }
    connection = opened
    for (const set of subscribers.values()) for (const handlers of set) handlers.heard?.()
  }

  let reconnections = 0
  async function reconnect() {
    for (let attempt = 0; running && connection === undefined; attempt += 1) {
      await beforeRetry(attempt)
      if (!running) return
      await connect().catch(() => {})
    }
    if (connection !== undefined) reconnections += 1
  }

  return {
    /** Connects and LISTENs on every channel subscribed so far; fails if the first connection does. */
    async start() {
      if (running) return
      running = true
      await connect().catch((error) => {
        running = false
        throw error
      })
    },
    /** Closes the connection; every subscriber is told it is deaf. */
    async stop() {
      running = false
      // A reconnection under way sees `running` and closes what it opens.
      const closing = connection
      connection = undefined
      heard.clear()
      await closing?.close()
      for (const set of subscribers.values()) for (const handlers of set) handlers.deaf?.()
    },
    /**
     * Has `handlers` told of `channel`'s notifications, and of when they are heard and not; resolves once the
     * channel is LISTENed on, if the listener is connected. Returns how to unsubscribe.
     */
    async subscribe(channel: string, handlers: ChannelHandlers): Promise<() => void> {
      const set = subscribers.get(channel) ?? new Set()
      set.add(handlers)
      subscribers.set(channel, set)
      const unsubscribe = () => {
        set.delete(handlers)
        if (set.size === 0 && subscribers.get(channel) === set) subscribers.delete(channel)
      }
      const current = connection
      if (current && !heard.has(channel)) {
        // A failure here is a lost connection, which reconnects and LISTENs on every channel.
        await listenOn(current, channel).catch(() => {})
      }
      if (connection && heard.has(channel)) handlers.heard?.()
      return unsubscribe
    },
    /** Whether the instance hears notifications now (readiness). */
    isListening: () => running && connection !== undefined,
    status(): ListenerStatus {
      return {
        listening: running && connection !== undefined,
        channels: Object.fromEntries([...subscribers.keys()].map((channel) => [channel, heard.has(channel)])),
        reconnections,
      }
    },
  }
}

export type Listener = ReturnType<typeof createListener>
