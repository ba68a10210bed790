/**
 * Instances of the domain's Schema classes from fields the engine built itself, without the constructor's work.
 *
 * `new C(fields, true)` (validation disabled) copies `fields`, fills field defaults, and `Object.assign`s the copy
 * onto a fresh object with `C.prototype` (effect 3 `Schema.Class`, `Data.Class`). For classes with no field defaults
 * (`Money`, `ReconciliationException`, `Evidence`, `RunnerUp`, `Explanation`, `MatchLink`: only plain and
 * `Schema.optional` fields) the result is the same object (same prototype, same own fields in the same order), so
 * `instanceOf` builds it directly. Only for values already of the class's type: nothing is checked.
 */

// The constructor's first parameter (the fields) of any Schema class.
type Fields<C> = C extends new (fields: infer F, ...rest: ReadonlyArray<never>) => unknown ? F : never

/** `new klass(fields, true)` without the copies; `klass` must have no field defaults (see the module comment). */
export const instanceOf = <C extends abstract new (...args: ReadonlyArray<never>) => object>(
  klass: C,
  fields: Fields<C>
): InstanceType<C> => Object.assign(Object.create(klass.prototype as object) as InstanceType<C>, fields)
