import { drfSchemaWording, drfWording } from '../drf/wording.ts'
import type { SchemaWording } from '../http/schema-errors.ts'
import type { Wording } from '../http/wording.ts'

/*
 * The vendor API's words. Its clients have read the same English as the storefront's since the first
 * release, so it speaks DRF's sentences today; a sentence of its own goes here, over DRF's
 * (`{ ...drfWording, … }`).
 */

/** What a schema validator finds, in the vendor API's words. */
export const vendorSchemaWording: SchemaWording = drfSchemaWording

/** The domain's problems in the vendor API's words. */
export const vendorWording: Wording = drfWording
