import assert from 'node:assert/strict'
import { test } from 'node:test'
import nodemailer from 'nodemailer'
import { accountEmails } from '../../bench/emails.ts'
import { startSmtpSink } from '../../bench/smtp-sink.ts'

test('the sink notes each accepted email by its Message-ID, past a megabyte attachment, and none it refused', async (t) => {
  const sink = await startSmtpSink()
  t.after(() => sink.close())
  const transport = nodemailer.createTransport({ url: sink.url })
  t.after(() => transport.close())
  const send = (messageId: string) =>
    transport.sendMail({
      messageId,
      from: 'parley@bench.test',
      to: 'support@bench.test',
      subject: 'Contact us',
      text: 'A form',
      attachments: [{ filename: 'invoice.pdf', content: Buffer.alloc(1024 * 1024, 0x25) }],
    })
  await send('<first@bench.test>')
  sink.refuse(true)
  await assert.rejects(send('<refused@bench.test>'), /451/)
  sink.refuse(false)
  await send('<second@bench.test>')
  await send('<first@bench.test>')
  assert.deepEqual(sink.received, ['<first@bench.test>', '<second@bench.test>', '<first@bench.test>'])
  assert.deepEqual(accountEmails(2, sink.received, 0), {
    forms: 2,
    emails: 2,
    duplicates: 1,
    duplicateIds: ['<first@bench.test>'],
  })
})
