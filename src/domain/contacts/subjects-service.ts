import type { Db } from '../../db/client.ts'
import { FieldErrors, type FieldProblems, notFound } from '../errors.ts'
import { requireStaff } from '../policy/staff.ts'
import type { Principal } from '../principal.ts'
import { type ContactSubject, type SubjectFields, subjectsRepository } from './subjects-repository.ts'
import { changingContexts } from './submission-context-cache.ts'

export const subjectTextMaxLength = 255
/** A BCP 47 tag of the plain kind browsers send in Accept-Language: "en", "tr", "pt-BR". */
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/

export type SubjectInput = Partial<SubjectFields>

/** Texts must be non-blank and keyed by language tags, and the default language must be one of them. */
function check(subject: SubjectInput, errors: FieldErrors): SubjectInput {
  const texts =
    subject.texts &&
    Object.fromEntries(Object.entries(subject.texts).map(([tag, text]) => [tag, text.trim()]))
  if (texts && !errors.has('texts')) {
    if (Object.keys(texts).length === 0) errors.add('texts', { code: 'empty' })
    for (const [tag, text] of Object.entries(texts)) {
      if (!LANGUAGE_TAG.test(tag)) errors.add('texts', { code: 'invalid_language_tag', tag })
      if (text === '') errors.add('texts', { code: 'blank' })
      if (text.length > subjectTextMaxLength)
        errors.add('texts', { code: 'max_length', max: subjectTextMaxLength })
    }
  }
  if (texts && subject.defaultLanguage !== undefined && !errors.has('defaultLanguage')) {
    if (!(subject.defaultLanguage in texts)) {
      errors.add('defaultLanguage', { code: 'invalid_choice', value: subject.defaultLanguage })
    }
  }
  return texts ? { ...subject, texts } : subject
}

/** Contact subjects and their translations, as staff manage them for the contact-us form. */
export function createSubjectsService(db: Db) {
  async function existing(principal: Principal, id: number): Promise<ContactSubject> {
    requireStaff(principal)
    const subject = await subjectsRepository.findById(db, principal.companyId, id)
    if (!subject) throw notFound()
    return subject
  }

  return {
    async list(principal: Principal, page: { offset: number; limit: number }) {
      requireStaff(principal)
      const [total, subjects] = await Promise.all([
        subjectsRepository.count(db, principal.companyId),
        subjectsRepository.list(db, principal.companyId, page),
      ])
      return { total, subjects }
    },

    get: existing,

    async create(principal: Principal, input: SubjectInput, priorErrors: FieldProblems = {}) {
      requireStaff(principal)
      const errors = new FieldErrors(priorErrors)
      const texts = input.texts
      const defaultLanguage =
        input.defaultLanguage ?? (texts && 'en' in texts ? 'en' : Object.keys(texts ?? {})[0])
      const subject = check({ ...input, defaultLanguage }, errors)
      errors.throwIfAny()
      if (!subject.texts || subject.defaultLanguage === undefined) {
        throw new Error('a surface passed a subject without its texts')
      }
      return subjectsRepository.insert(db, principal.companyId, {
        texts: subject.texts,
        defaultLanguage: subject.defaultLanguage,
        isOrderNeeded: subject.isOrderNeeded ?? false,
        position: subject.position ?? 0,
      })
    },

    /** Changes the given fields; `texts`, when given, replaces every translation. */
    async update(principal: Principal, id: number, changes: SubjectInput, priorErrors: FieldProblems = {}) {
      const current = await existing(principal, id)
      const errors = new FieldErrors(priorErrors)
      const merged = check(
        {
          texts: changes.texts ?? current.texts,
          defaultLanguage: changes.defaultLanguage ?? current.defaultLanguage,
        },
        errors,
      )
      errors.throwIfAny()
      const updated = await changingContexts(
        db,
        subjectsRepository.update(db, principal.companyId, id, {
          ...changes,
          texts: merged.texts,
          defaultLanguage: merged.defaultLanguage,
        }),
      )
      if (!updated) throw notFound()
      return updated
    },

    /** Deletes a subject; contacts made with it keep the subject's text they were made with. */
    async remove(principal: Principal, id: number): Promise<void> {
      requireStaff(principal)
      const deleted = await changingContexts(db, subjectsRepository.delete(db, principal.companyId, id))
      if (!deleted) throw notFound()
    },
  }
}

export type SubjectsService = ReturnType<typeof createSubjectsService>
