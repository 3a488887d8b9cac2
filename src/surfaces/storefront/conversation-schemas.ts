import { type Static, Type } from 'typebox'
import { IdInteger } from '../http/input-guard.ts'
import { EnumValue } from './schemas.ts'

const nullableString = Type.Unsafe<string | null>({ type: ['string', 'null'] })

export const UserMessage = Type.Object({
  id: Type.Integer({ description: 'User ID.' }),
  first_name: Type.String({ description: "User's first name." }),
  last_name: Type.String({ description: "User's last name." }),
  email: Type.String({ description: "User's email address." }),
  phone: Type.String({ description: "User's phone number." }),
  gender: Type.Optional({ ...EnumValue, description: "User's gender; absent when unknown." }),
})

export const DataSource = Type.Object({
  id: Type.Integer({ description: 'DataSource ID.' }),
  name: Type.String({ description: 'Name of the data source.' }),
})

export const MessageContent = Type.Object(
  {
    id: Type.Integer({ description: 'ID of the sender.' }),
    email: Type.Optional(Type.String({ description: 'Email of the sender.' })),
    first_name: Type.Optional(Type.String({ description: 'First name of the sender.' })),
    last_name: Type.Optional(Type.String({ description: 'Last name of the sender.' })),
    phone: Type.Optional(Type.String({ description: 'Phone number of the sender.' })),
    gender: Type.Optional(Type.String({ description: 'Gender of the sender.' })),
    name: Type.Optional(Type.String({ description: 'Name of the sender (if DataSource).' })),
    title: Type.Optional(Type.String({ description: 'Title of the sender (if applicable).' })),
  },
  { description: 'Details of the sender: a user (names, email, phone, gender) or a DataSource (name).' },
)

export const Message = Type.Object({
  id: Type.Integer({ description: 'Unique identifier for the message.' }),
  message_content: Type.String({ description: 'The content of the message.' }),
  user_type: { ...EnumValue, description: 'The type of user who sent the message.' },
  content_object: MessageContent,
  content_type: Type.String({ description: "The type of the sender: 'user' or 'datasource'." }),
  created_date: Type.String({ format: 'date-time', description: 'Timestamp when the message was created.' }),
})

const ProductObject = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  price: Type.String({ description: 'Decimal, as a string.' }),
  image: nullableString,
  seller: Type.Optional(DataSource),
})

export const ItemObject = Type.Object(
  {
    id: Type.Integer(),
    name: Type.Optional(Type.String()),
    price: Type.Optional(Type.String()),
    image: Type.Optional(nullableString),
    seller: Type.Optional(DataSource),
    order: Type.Optional(Type.Integer({ description: 'Order ID (order items).' })),
    product: Type.Optional(ProductObject),
    status: Type.Optional(Type.String({ description: 'Status of the order item.' })),
  },
  {
    description:
      'The related item: a product as `{id, name, price, image, seller}`, or an order item as `{id, order, product, status}`. Absent when the conversation is about no item.',
  },
)

export const Conversation = Type.Object({
  id: Type.Integer({ description: 'Unique identifier for the conversation.' }),
  subject: Type.String({ description: 'The subject of the conversation.' }),
  user: { ...UserMessage, description: 'The user associated with the conversation (its customer).' },
  datasource: Type.Optional({
    ...DataSource,
    description: 'The data source the conversation is with; absent for a conversation with the shop.',
  }),
  item_object: Type.Optional(ItemObject),
  item_content: Type.Optional(
    Type.String({
      description: "Model name of the item content ('product', 'orderitem'); absent without one.",
    }),
  ),
  message_set: Type.Array(Message, {
    description:
      'Messages, oldest first. In the list: the latest message only. In a retrieved conversation: the latest `message_limit` messages (default 100); older ones with `before`.',
  }),
  conversation_type: { ...EnumValue, description: 'The type of conversation.' },
  last_message_date: Type.String({
    format: 'date-time',
    description: 'Timestamp of the last message in the conversation.',
  }),
  is_public: Type.Boolean({ description: 'Indicates if the conversation is public.' }),
  is_answered: Type.Boolean({
    description: 'True when the newest message came from the data source or the shop, not the user.',
  }),
})

export const CreateConversationRequest = Type.Object(
  {
    message_content: Type.String({ maxLength: 500, description: 'The body of the message.' }),
    user_type: Type.Enum(['guest', 'registered'], { description: 'Type of user creating the conversation.' }),
    content_id: IdInteger({
      minimum: 1,
      description: 'The sender: the authenticated user, or a DataSource the user is a member of.',
    }),
    content_type: Type.Enum(['user', 'datasource'], {
      description: 'Whether `content_id` is a user or a DataSource.',
    }),
    conversation: Type.Optional(IdInteger({ description: 'ID of existing conversation to reply to.' })),
    datasource: Type.Optional(
      IdInteger({
        description: 'The DataSource to talk with; else the one the item implies; else the shop.',
      }),
    ),
    user: Type.Optional(
      IdInteger({ description: 'The customer: yourself, or the user a DataSource writes to.' }),
    ),
    subject: Type.Optional(Type.String({ maxLength: 500, description: 'Subject of the conversation.' })),
    item_content: Type.Optional(
      Type.Enum(['product', 'orderitem'], {
        description: 'Model name of the item the conversation is about.',
      }),
    ),
    item_id: Type.Optional(
      IdInteger({ description: 'ID of the item; an order item must be in one of your orders.' }),
    ),
    conversation_type: Type.Optional(
      Type.Enum(['message', 'question', 'review'], {
        description: 'Type of conversation (default message).',
      }),
    ),
    is_public: Type.Optional(Type.Boolean({ description: 'Whether the conversation is public.' })),
  },
  {
    description:
      'Request body for creating a conversation or message.\n\n**Validation:**\n- `DataSource` cannot reply to a review.\n- Users must match the authenticated user and content owner.',
  },
)
export type CreateConversationRequest = Static<typeof CreateConversationRequest>

export const InboxQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
})

export const ConversationQuery = Type.Object({
  message_limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  before: Type.Optional(IdInteger({ minimum: 1, description: 'Only messages older than this message id.' })),
})
