import * as BigDecimal from "effect/BigDecimal"
import { TRUSTED } from "@clara-recon/domain"
import type { CfdiReadReason } from "../CfdiError.js"
import { CfdiReadError } from "../CfdiError.js"
import type { CfdiNode } from "./cfdiTree.js"
import { childNamed } from "./cfdiTree.js"

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
    this.error ??= new CfdiReadError({ path: this.path, reason, field, detail }, TRUSTED)
  }

  // Each method takes the attribute's value as the caller read it (`element.attributes["Rfc"]`): a read by a constant
  // name at each call site, rather than by a name variable here, where it would see every element shape of the
  // document.

  /** The value trimmed; `undefined` when absent or blank. */
  text(value: string | undefined): string | undefined {
    const trimmed = value?.trim()
    return trimmed === undefined || trimmed === "" ? undefined : trimmed
  }

  /** `text`, recording `MissingField` (`<label>@<attribute>`) and reading as `""` when absent or blank. */
  required(value: string | undefined, label: string, attribute: string): string {
    const text = this.text(value)
    if (text === undefined) this.fail("MissingField", `${label}@${attribute}`, "required attribute is missing")
    return text ?? ""
  }

  /** The value as a `BigDecimal` (scale as written); records `InvalidValue` and reads as absent when malformed. */
  amount(value: string | undefined, label: string, attribute: string): BigDecimal.BigDecimal | undefined {
    const text = this.text(value)
    if (text === undefined) return undefined
    if (DECIMAL.test(text)) return decimalOf(text)
    this.fail("InvalidValue", `${label}@${attribute}`, `"${text}" is not a decimal number`)
    return undefined
  }

  /** `amount`, also recording `MissingField` when absent or blank; reads as zero when absent or malformed. */
  requiredAmount(value: string | undefined, label: string, attribute: string): BigDecimal.BigDecimal {
    const text = this.text(value)
    if (text === undefined) {
      this.fail("MissingField", `${label}@${attribute}`, "required attribute is missing")
      return ZERO
    }
    if (DECIMAL.test(text)) return decimalOf(text)
    this.fail("InvalidValue", `${label}@${attribute}`, `"${text}" is not a decimal number`)
    return ZERO
  }

  child(parent: CfdiNode, ns: string, name: string): CfdiNode {
    const found = childNamed(parent, ns, name)
    if (found === undefined) this.fail("MissingField", name, `required element ${name} is missing`)
    return found ?? { ns, name, attributes: {}, children: [] }
  }
}

