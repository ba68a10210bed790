/** Hand-built posting documents for the SAP CSV tests (invented data, no real taxpayer). */
import { CfdiRef, JournalLine, PostingDocument } from "@clara-recon/domain"
import { BigDecimal } from "effect"

const d = BigDecimal.unsafeFromString

const line = (
  side: "debit" | "credit",
  role: JournalLine["role"],
  account: string,
  amount: string,
  extra: { taxCode?: string; text: string; cfdiUuid: string }
) => new JournalLine({ side, role, account, amount: d(amount), ...extra })

/** IVA 16 % purchase in MXN on card ****1234, CFDI A-1001. */
export const mxnPosting = (overrides: Partial<ConstructorParameters<typeof PostingDocument>[0]> = {}) => {
  const uuid = "4A1B2C3D-0000-4E5F-8A9B-0C1D2E3F4A5B"
  const text = { text: "Office Depot", cfdiUuid: uuid }
  return new PostingDocument({
    sourceId: "7f3c1a2e-5b6d-4e8f-9a0b-1c2d3e4f5a6b",
    externalKey: "rcn_0002",
    version: 1,
    documentDate: "2026-01-14",
    postingDate: "2026-01-15",
    currency: "MXN",
    memo: "Office Depot | CFDI 4A1B2C3D-0000-4E5F-8A9B-0C1D2E3F4A5B",
    companyCode: "MX01",
    documentType: "SA",
    cardLastFour: "1234",
    cfdis: [new CfdiRef({ uuid, rfcEmisor: "ODE950101AB1", serie: "A", folio: "1001", fecha: "2026-01-14T12:30:00" })],
    lines: [
      line("debit", "expense", "601.84", "1000.00", { taxCode: "V1", ...text }),
      line("debit", "iva_acreditable", "118.01", "160.00", { taxCode: "V1", ...text }),
      line("credit", "card_liability", "205.06", "1160.00", text)
    ],
    ...overrides
  })
}

/** A USD CFDI (folio 77, no serie) paid 2010.00 MXN at TipoCambio 17.25, with a text needing RFC 4180 quotes. */
export const fxPosting = () => {
  const uuid = "9C8B7A65-4321-4DCB-A987-6543210FEDCB"
  const text = { text: "É \"B\", C", cfdiUuid: uuid }
  return new PostingDocument({
    sourceId: "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
    externalKey: "rcn_0001",
    version: 1,
    documentDate: "2026-02-01",
    postingDate: "2026-02-03",
    currency: "MXN",
    exchangeRate: d("17.25"),
    memo: "fx",
    companyCode: "MX01",
    documentType: "SA",
    cfdis: [new CfdiRef({ uuid, rfcEmisor: "XEXX010101000", folio: "77", fecha: "2026-02-01T09:00:00" })],
    lines: [
      line("debit", "expense", "601.84", "1725.00", { taxCode: "V1", ...text }),
      line("debit", "iva_acreditable", "118.01", "276.00", { taxCode: "V1", ...text }),
      line("debit", "fx_diff", "701.01", "9.00", text),
      line("credit", "card_liability", "205.06", "2010.00", text)
    ]
  })
}
