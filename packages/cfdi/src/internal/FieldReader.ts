import * as BigDecimal from "effect/BigDecimal"
import type { CfdiReadReason } from "../CfdiError.js"
import { CfdiReadError } from "../CfdiError.js"
import type { XmlElement } from "../XmlDocument.js"
import { childNamed } from "../XmlDocument.js"

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/
const ZERO = BigDecimal.fromBigInt(0n)

/**
 * `BigDecimal.unsafeFromString` for text already matched by `DECIMAL` (no exponent): the same `BigDecimal.make` of the
 * digits and the count of decimals written (`1000.50` -> 100050 at scale 2), without re-checking the text.
 */
const decimalOf = (text: string): BigDecimal.BigDecimal => {
  const dot = text.indexOf(".")
  return dot === -1
    ? BigDecimal.make(BigInt(text), 0)
    : BigDecimal.make(BigInt(text.slice(0, dot) + text.slice(dot + 1)), text.length - dot - 1)
}

/**
 * Reads attributes of one document and remembers the first problem instead of throwing: callers read every field
 * straight through, then check `error` once. Values are trimmed; empty values count as absent. Fields are labelled
 * `Element@Attribute` (e.g. `Concepto[2]@Importe`).
 */
export class FieldReader {
  error: CfdiReadError | undefined = undefined

  constructor(readonly path: string) {}

  fail(reason: CfdiReadReason, field: string, detail: string): void {
    this.error ??= new CfdiReadError({ path: this.path, reason, field, detail })
  }

  text(element: XmlElement, attribute: string): string | undefined {
    const value = element.attributes[attribute]?.trim()
    return value === undefined || value === "" ? undefined : value
  }

  required(element: XmlElement, label: string, attribute: string): string {
    const value = this.text(element, attribute)
    if (value === undefined) this.fail("MissingField", `${label}@${attribute}`, "required attribute is missing")
    return value ?? ""
  }

  amount(element: XmlElement, label: string, attribute: string): BigDecimal.BigDecimal | undefined {
    const value = this.text(element, attribute)
    if (value === undefined) return undefined
    if (DECIMAL.test(value)) return decimalOf(value)
    this.fail("InvalidValue", `${label}@${attribute}`, `"${value}" is not a decimal number`)
    return undefined
  }

  requiredAmount(element: XmlElement, label: string, attribute: string): BigDecimal.BigDecimal {
    const value = this.amount(element, label, attribute)
    if (value === undefined && this.text(element, attribute) === undefined) {
      this.fail("MissingField", `${label}@${attribute}`, "required attribute is missing")
    }
    return value ?? ZERO
  }

  child(parent: XmlElement, ns: string, name: string): XmlElement {
    const found = childNamed(parent, ns, name)
    if (found === undefined) this.fail("MissingField", name, `required element ${name} is missing`)
    return found ?? { ns, name, attributes: {}, text: "", children: [] }
  }
}

