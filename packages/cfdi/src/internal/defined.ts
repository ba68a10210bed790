/** Drops `undefined` entries so a record fits optional fields under `exactOptionalPropertyTypes`. */
export const defined = <A extends Record<string, unknown>>(record: A): Defined<A> => {
  const out: Record<string, unknown> = {}
  for (const key in record) if (record[key] !== undefined) out[key] = record[key]
  return out as Defined<A>
}

type Defined<A> = { [K in keyof A]?: Exclude<A[K], undefined> }

/** `A` with its `readonly` modifiers removed: a record filled field by field before it is handed out as `A`. */
export type Mutable<A> = { -readonly [K in keyof A]: A[K] }
