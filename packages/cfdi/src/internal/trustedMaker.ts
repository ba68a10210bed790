/** Options that make an effect `Schema.Class` constructor skip its schema validation. */
export const TRUSTED = { disableValidation: true } as const

const sameOwnProperties = (a: object, b: object): boolean => {
  const keys = Reflect.ownKeys(a)
  const other = Reflect.ownKeys(b)
  if (keys.length !== other.length) return false
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    if (key !== other[i] || (a as Record<PropertyKey, unknown>)[key] !== (b as Record<PropertyKey, unknown>)[key]) {
      return false
    }
  }
  return true
}

/** Whether `new Class(sample, TRUSTED)` is `Class.prototype` with `sample`'s fields assigned in order. */
const buildsDirectly = (Class: new(props: any, options: typeof TRUSTED) => object, sample: unknown): boolean => {
  const viaConstructor = new Class(sample, TRUSTED)
  return Object.getPrototypeOf(viaConstructor) === Class.prototype &&
    sameOwnProperties(viaConstructor, Object.assign(Object.create(Class.prototype as object) as object, sample))
}

/**
 * A maker of instances of the effect `Schema.Class` `Class` for fields the reader already checked. With validation
 * disabled, such a constructor only copies its fields twice and looks for defaults over all of the class's fields
 * (`effect/Schema` `makeClass`, `Data.Class`); when that comes to the same object as `Class.prototype` with the fields
 * assigned in order, which is checked once here on `sample` (the fields a document always has), the maker builds
 * it so, in one copy. Otherwise (a field given a default, an instance field added to the class) it calls the
 * constructor with validation disabled.
 */
export const trustedMaker = <C extends new(props: any, options: typeof TRUSTED) => object>(
  Class: C,
  sample: ConstructorParameters<C>[0]
): (props: ConstructorParameters<C>[0]) => InstanceType<C> => {
  type A = InstanceType<C>
  const prototype = Class.prototype as object
  return buildsDirectly(Class, sample)
    ? (props) => Object.assign(Object.create(prototype) as A, props)
    : (props) => new Class(props, TRUSTED) as A
}

/**
 * Like `trustedMaker`, for a record filled field by field: `start()` gives the record to fill and `finish(record)` the
 * instance. When the direct build was verified the record already is the instance (`Class.prototype`, fields assigned
 * in order), so no copy is made at all; otherwise `finish` calls the constructor with validation disabled.
 */
export const trustedBuilder = <C extends new(props: any, options: typeof TRUSTED) => object>(
  Class: C,
  sample: ConstructorParameters<C>[0]
): {
  readonly start: () => ConstructorParameters<C>[0]
  readonly finish: (record: ConstructorParameters<C>[0]) => InstanceType<C>
} => {
  type A = InstanceType<C>
  const prototype = Class.prototype as object
  return buildsDirectly(Class, sample)
    ? { start: () => Object.create(prototype), finish: (record) => record as A }
    : { start: () => ({}), finish: (record) => new Class(record, TRUSTED) as A }
}
