import { Type } from 'typebox'
import { MESSAGE_IMAGE_MAX_BYTES } from '../../domain/conversations/dialogs/message-image.ts'
import { IdInteger } from '../http/input-guard.ts'
import { nullable } from '../http/nullable.ts'
import { Message } from './conversation-schemas.ts'

export const MessageListQuery = Type.Object({
  cursor: Type.Optional(
    IdInteger({ minimum: 1, description: '`meta.next_cursor` of the previous page: older messages.' }),
  ),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
})

export const MessageList = Type.Object({
  data: Type.Array(Message, { description: 'Oldest first.' }),
  meta: Type.Object({
    next_cursor: nullable(Type.Integer(), {
      description: 'Pass as `cursor` for the page of older messages; null when there are none.',
    }),
  }),
})

export const PostMessageRequest = Type.Object(
  {
    text: Type.Optional(Type.String({ maxLength: 4000 })),
    image: Type.Optional(
      Type.String({
        format: 'binary',
        description: `Multipart only: a JPEG, PNG or WebP image (checked by content), at most ${MESSAGE_IMAGE_MAX_BYTES / (1024 * 1024)} MB.`,
      }),
    ),
  },
  { description: '`text`, `image`, or both; JSON or multipart/form-data.' },
)

export const ReadRequest = Type.Object({
  message_id: Type.Optional(
    IdInteger({ minimum: 1, description: 'Read up to this message of the dialog; default the newest.' }),
  ),
})

export const ReadState = Type.Object({
  data: Type.Object({
    conversation_id: Type.Integer(),
    last_read_message_id: Type.Integer(),
    last_delivered_message_id: Type.Integer(),
    unread_count: Type.Integer({ description: "The caller's unread messages left in this dialog." }),
  }),
})
