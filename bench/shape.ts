/**
 * The dataset's shape: how many of each row, and which ids belong together. Ids are assigned by formula so
 * the loader writes them with set-based SQL and the scenarios pick matching users and conversations without
 * asking the database.
 */
export type SizeName = 'small' | 'large'

export type Shape = {
  size: SizeName
  customers: number
  sellers: number
  productsPerSeller: number
  /** Conversations per customer; the last of each customer's is with the shop's staff, the rest with sellers. */
  conversationsPerCustomer: number
  messagesPerConversation: number
  contacts: number
  staff: number
}

// The small set is the large one divided by 100 everywhere, so each user's inbox is the same size in both
// and large ÷ small measures the cost of history, not of a bigger page.
export const SHAPES: Record<SizeName, Shape> = {
  small: {
    size: 'small',
    customers: 100,
    sellers: 5,
    productsPerSeller: 20,
    conversationsPerCustomer: 10,
    messagesPerConversation: 10,
    contacts: 500,
    staff: 10,
  },
  large: {
    size: 'large',
    customers: 10_000,
    sellers: 500,
    productsPerSeller: 20,
    conversationsPerCustomer: 10,
    messagesPerConversation: 10,
    contacts: 50_000,
    staff: 10,
  },
}

export const conversationCount = (shape: Shape) => shape.customers * shape.conversationsPerCustomer
export const messageCount = (shape: Shape) => conversationCount(shape) * shape.messagesPerConversation
export const productCount = (shape: Shape) => shape.sellers * shape.productsPerSeller

/** Users are customers 1..C, then one member per seller, then the staff. */
export const memberOfSeller = (shape: Shape, sellerId: number) => shape.customers + sellerId
export const staffUserId = (shape: Shape, index: number) => shape.customers + shape.sellers + 1 + index

/** Conversation i (1-based) is customer ((i-1) mod C)+1's conversation number floor((i-1)/C). */
export const conversationOf = (shape: Shape, customerId: number, index: number) =>
  index * shape.customers + customerId

export const isStaffConversation = (shape: Shape, conversationId: number) =>
  Math.floor((conversationId - 1) / shape.customers) === shape.conversationsPerCustomer - 1

export const productOfConversation = (shape: Shape, conversationId: number) => {
  const customer = (conversationId - 1) % shape.customers
  const index = Math.floor((conversationId - 1) / shape.customers)
  return ((customer * shape.conversationsPerCustomer + index) % productCount(shape)) + 1
}

export const sellerOfProduct = (shape: Shape, productId: number) => ((productId - 1) % shape.sellers) + 1

export const customerOfConversation = (shape: Shape, conversationId: number) =>
  ((conversationId - 1) % shape.customers) + 1

/** One conversation in ORDER_EVERY (id ≡ 1) has its customer name order PZ-(ORDER_NUMBER_BASE + id). */
export const ORDER_EVERY = 4
export const ORDER_NUMBER_BASE = 900_000
export const orderNumberOf = (conversationId: number) => `PZ-${ORDER_NUMBER_BASE + conversationId}`
/** A word one conversation in 500 holds in a message. */
export const RARE_MESSAGE_WORD = 'dented'

/** What the bench clients need to act as the dataset's users; the secrets are made fresh for each run. */
export type Fixture = {
  shape: Shape
  companyId: number
  subjectIds: number[]
  /** A user's session cookie is `${sessionSecret}.${userId}`; the database holds its SHA-256. */
  sessionSecret: string
  staffKeys: string[]
  searchTerms: string[]
}

export const sessionToken = (fixture: Fixture, userId: number) => `${fixture.sessionSecret}.${userId}`
