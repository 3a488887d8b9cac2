import { type Placeholder, type SQL, sql } from 'drizzle-orm'

/*
 * The party rules of parties.ts as SQL, for the statements that check them where the rows are (an append, a
 * read, a page of an inbox) rather than reading the rows out first. Columns are passed qualified
 * (`c.seller_id`): inside these subqueries an unqualified `seller_id` would name seller_members' own.
 */

type Operand = SQL | Placeholder | number

/** The user is a member of the seller, and so acts for it. */
export const isSellerMemberSql = (sellerId: Operand, userId: Operand) =>
  sql`exists (select 1 from seller_members sm where sm.seller_id = ${sellerId} and sm.user_id = ${userId})`

/**
 * Every party a user acts as (see partiesOfUser), as the derived table `parties (party_type, party_id)`: one
 * row per party, so that each party's rows are walked on the inbox index (party, last message desc) on their
 * own. An `or` of the two kinds made PostgreSQL scan every seller's party rows instead.
 */
export const partiesOfUserSql = (userId: Operand) =>
  sql`(select 'customer'::text as party_type, ${userId} as party_id
    union all select 'seller', sm.seller_id from seller_members sm where sm.user_id = ${userId}) parties`

/** The party type the user is in conversation `c` (see personalPartyOf): customer, seller, or null. */
export const personalPartyTypeSql = (userId: Operand) =>
  sql`case when c.customer_id = ${userId} then 'customer'
    when ${isSellerMemberSql(sql`c.seller_id`, userId)} then 'seller' end`
