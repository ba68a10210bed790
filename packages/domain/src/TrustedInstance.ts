/**
 * Instances of the domain's `Schema.Class`es from fields the caller built or checked itself (a reader that validated
 * every field, an engine that computed them), without the constructor's work. With validation disabled, effect 3's
 * class constructor (`effect/Schema` `makeClass`, `Data.Class`) copies the fields twice and fills field defaults;
 * for a class without defaults that comes to `Class.prototype` with the fields assigned in order, which is built
 * here in one step (a spread copy given the prototype, see `build`). Per class this is verified once, on the first
 * fields given: no field default in the class's schema, and the constructor's result has the same prototype and own
 * properties. A class failing either check always goes through its constructor (validation off). Nothing is
 * validated: only for values already of the type.
 */

/** Options that make an effect `Schema.Class` constructor skip its schema validation. */
export const TRUSTED = { disableValidation: true } as const

/** A `Schema.Class` constructor (fields, options). */
type Klass = new(props: any, options: typeof TRUSTED) => object

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

/** The AST shape of a class field: a property signature with a constructor default, or one wrapped in a transform. */
interface FieldAst {
  readonly _tag: string
  readonly defaultValue?: unknown
  readonly to?: { readonly defaultValue?: unknown }
}

/** Whether one of the class's fields has a constructor default (`Schema.optionalWith(..., { default })`). */
const hasFieldDefault = (Class: Klass): boolean =>
  Object.values((Class as unknown as { readonly fields?: Record<string, unknown> }).fields ?? {}).some((field) => {
    const ast = (field as { readonly ast?: FieldAst }).ast
    if (ast === undefined) return false
    return (ast._tag === "PropertySignatureDeclaration" ? ast.defaultValue : ast.to?.defaultValue) !== undefined
  })

const verdicts = new WeakMap<Klass, boolean>()

/**
 * `props` copied (own enumerable properties, in order) onto an object whose prototype is `Class.prototype`: a spread
 * copy then given its prototype. Not `Object.assign(Object.create(prototype), props)`: V8 adds each property to
 * that empty object one by one, and past a dozen it falls back to a dictionary object, twice the memory of the
 * constructor's instance (a `FiscalDocument`: 2.6 KB against 1.2 KB) and slower to read.
 */
const build = (Class: Klass, props: object): object => Object.setPrototypeOf({ ...props }, Class.prototype as object)

/** Whether instances of `Class` can be built directly (checked once per class, with `props` as the sample). */
const buildsDirectly = (Class: Klass, props: object): boolean => {
  let direct = verdicts.get(Class)
  if (direct === undefined) {
    const viaConstructor = new Class(props, TRUSTED)
    direct = !hasFieldDefault(Class) && Object.getPrototypeOf(viaConstructor) === Class.prototype &&
      sameOwnProperties(viaConstructor, build(Class, props))
    verdicts.set(Class, direct)
  }
  return direct
}

/**
 * `new Class(props, TRUSTED)`, built as `Class.prototype` with `props` assigned when the class allows it (see the
 * module comment). `props` must already be valid fields of the class.
 */
export const trustedInstance = <C extends Klass>(Class: C, props: ConstructorParameters<C>[0]): InstanceType<C> =>
  (buildsDirectly(Class, props) ? build(Class, props) : new Class(props, TRUSTED)) as InstanceType<C>
