import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
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
