/**
 * The deterministic ERP key of a posting (design.md "Identity", erp.md §0.2 and §1.4): a re-run of the same
 * transaction at the same version always yields the same key, so the ERP (NetSuite `externalId`, SAP CSV `DOC_KEY`)
 * refuses or reveals a second posting instead of creating it.
 */
import { sha256Hex } from "@clara-recon/domain"

/** Characters and length every external key satisfies: `[A-Za-z0-9_-]{1,40}`. */
export const externalKeyPattern = /^[A-Za-z0-9_-]{1,40}$/

/**
 * `rcn_` + the first 32 hex digits (128 bits) of SHA-256 over `clara-recon/posting\n<tenant>\n<uuid>\n<version>`,
 * where the transaction uuid is trimmed and lower-cased and the version is written in decimal. 36 characters, always
 * within {@link externalKeyPattern}. Bumping `version` (a deliberate re-post) gives a new key; nothing else does.
 */
export const externalKey = (tenant: string, transactionUuid: string, version: number): string => {
  const input = `clara-recon/posting\n${tenant}\n${transactionUuid.trim().toLowerCase()}\n${String(version)}`
  return `rcn_${sha256Hex(input).slice(0, 32)}`
}
