import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { createMailTransport } from '../../src/infra/mail/mail-transport.ts'

test('with SMTP_URL unset, the .eml file shows no Bcc: header and no Bcc address', async (t) => {
  const mailDir = await mkdtemp(join(tmpdir(), 'parley-mail-'))
  t.after(() => rm(mailDir, { recursive: true, force: true }))
  const transport = createMailTransport({ smtpUrl: undefined, mailDir })
  t.after(() => transport.close())
  await transport.send({
    messageId: '<bcc-check@parley.test>',
    from: 'Parley <no-reply@parley.test>',
    to: ['support@parley.test'],
    cc: ['desk@parley.test'],
    bcc: ['audit@parley.test'],
    subject: 'Contact us #1',
    text: 'Hello',
  })
  const [file] = await readdir(mailDir)
  assert.ok(file)
  const eml = await readFile(join(mailDir, file), 'utf8')
  const head = eml.slice(0, eml.indexOf('\n\n'))
  assert.match(head, /^To: support@parley\.test$/m)
  assert.match(head, /^Cc: desk@parley\.test$/m)
  assert.doesNotMatch(head, /^Bcc:/im)
  assert.equal(eml.includes('audit@parley.test'), false)
})

test('with SMTP_URL unset, an attachment read from disk is written whole, and only the finished file is left', async (t) => {
  const mailDir = await mkdtemp(join(tmpdir(), 'parley-mail-'))
  t.after(() => rm(mailDir, { recursive: true, force: true }))
  const content = randomBytes(3 * 1024 * 1024 + 7)
  const blob = join(mailDir, 'upload.bin')
  await writeFile(blob, content)
  const transport = createMailTransport({ smtpUrl: undefined, mailDir: join(mailDir, 'mail') })
  t.after(() => transport.close())
  await transport.send({
    messageId: '<attachment-check@parley.test>',
    from: 'Parley <no-reply@parley.test>',
    to: ['support@parley.test'],
    subject: 'Contact us #2',
    text: 'A file',
    attachments: [{ filename: 'upload.bin', contentType: 'application/octet-stream', path: blob }],
  })
  assert.deepEqual(await readdir(join(mailDir, 'mail')), ['attachment-check@parley.test.eml'])
  const eml = await readFile(join(mailDir, 'mail', 'attachment-check@parley.test.eml'), 'utf8')
  const part = eml.slice(eml.indexOf('filename=upload.bin'))
  const base64 = part.slice(part.indexOf('\n\n') + 2, part.indexOf('\n--')).replace(/\n/g, '')
  assert.ok(Buffer.from(base64, 'base64').equals(content))
})

test('with SMTP_URL unset, a message whose attachment cannot be read fails and leaves no file', async (t) => {
  const mailDir = await mkdtemp(join(tmpdir(), 'parley-mail-'))
  t.after(() => rm(mailDir, { recursive: true, force: true }))
  const transport = createMailTransport({ smtpUrl: undefined, mailDir })
  t.after(() => transport.close())
  await assert.rejects(
    transport.send({
      messageId: '<missing-file@parley.test>',
      from: 'Parley <no-reply@parley.test>',
      to: ['support@parley.test'],
      subject: 'Contact us #3',
      text: 'A file that is gone',
      attachments: [{ filename: 'gone.bin', path: join(mailDir, 'gone.bin') }],
    }),
  )
  assert.deepEqual(await readdir(mailDir), [])
})
