/**
 * Every error the `@clara-recon/erp` package can fail with, as a type and as a schema (for stores and reports).
 */
import * as Schema from "effect/Schema"
import { AdapterLoadError, UnknownAdapter } from "./AdapterRegistry.js"
import { ErpError } from "./ErpError.js"

/** The package error union. */
export const ErpPackageError = Schema.Union(ErpError, UnknownAdapter, AdapterLoadError)
export type ErpPackageError = typeof ErpPackageError.Type
