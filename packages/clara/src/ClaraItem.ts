/**
 * One record of a Clara list, decoded on its own so a bad record never fails its page (clara-api.md §5.1).
 */
import type { ClaraDecodeError } from "./ClaraError.js"

/** A record that matched its schema. */
export interface ClaraItemOk<A> {
  readonly _tag: "Ok"
  readonly value: A
}

/** A record that did not: the error names the endpoint, the record (`content[3] uuid …`) and the field path. */
export interface ClaraItemInvalid {
  readonly _tag: "Invalid"
  readonly error: ClaraDecodeError
}

/** A decoded record or the reason it could not be decoded. */
export type ClaraItem<A> = ClaraItemOk<A> | ClaraItemInvalid

/** Wraps a decoded record. */
export const itemOk = <A>(value: A): ClaraItem<A> => ({ _tag: "Ok", value })

/** Wraps a record's decode failure. */
export const itemInvalid = <A = never>(error: ClaraDecodeError): ClaraItem<A> => ({ _tag: "Invalid", error })

/** Splits items into decoded values and decode errors, keeping their order. */
export const partitionItems = <A>(
  items: Iterable<ClaraItem<A>>
): { readonly values: ReadonlyArray<A>; readonly errors: ReadonlyArray<ClaraDecodeError> } => {
  const values: Array<A> = []
  const errors: Array<ClaraDecodeError> = []
  for (const item of items) {
    if (item._tag === "Ok") values.push(item.value)
    else errors.push(item.error)
  }
  return { values, errors }
}
