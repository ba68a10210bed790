/**
 * The file behind a receipt attachment (`GET /api/v3/transactions/{uuid}/documents`, clara-api.md §3.5): the emulator
 * serves a plain-text rendering of the extracted receipt instead of a photo.
 */
import type { ExtractedDocument } from "@clara-recon/clara"

const line = (label: string, value: string | number | null | undefined) =>
  value === null || value === undefined ? [] : [`${label} ${value}`]

/** A short plain-text receipt: issuer, RFC, date, subtotal, IVA, tip and total as extracted. */
export const receiptText = (document: ExtractedDocument): string => {
  const data = document.data
  const amount = data?.amount
  return [
    data?.issuer?.legalName ?? "RECIBO",
    ...line("RFC", data?.issuer?.taxIdentifier),
    ...line("Fecha", data?.receiptDate),
    ...line("Subtotal", amount?.subTotal),
    ...line("IVA", amount?.taxesAmount),
    ...line("Propina", amount?.tipAmount),
    ...line("Total", amount?.total),
    ...line("Moneda", amount?.currency),
    ""
  ].join("\n")
}
