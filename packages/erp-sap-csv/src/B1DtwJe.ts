/**
 * The `b1-dtw-je` preset: SAP Business One Data Transfer Workbench journal entries (`oJournalEntries`, erp.md §2.2).
 * Two tab-delimited files, `<base>_header.txt` and `<base>_lines.txt`, each with two header rows (DI-API property
 * names, then database column names). `RecordKey` / `ParentKey` are the document's position in the batch; `LineNum`
 * counts from 0; dates `YYYYMMDD`; Windows-1252, CRLF. Naming and encoding vary by DTW version: check the
 * customer's DTW template.
 */
import type { CsvColumn, CsvLayout } from "./CsvLayout.js"
import { amount, column, date, namesRow } from "./internal/Column.js"

const header: readonly [CsvColumn, ...Array<CsvColumn>] = [
  column("RecordKey", "doc.batchPosition"),
  column("ReferenceDate", "doc.postingDate", { format: date, required: true }),
  column("TaxDate", "doc.documentDate", { format: date, required: true }),
  column("DueDate", "doc.postingDate", { format: date, required: true }),
  column("Memo", "doc.memo", { maxLength: 50, onOverflow: "truncate" }),
  column("Reference", "doc.reference", { maxLength: 100, onOverflow: "truncate" })
]

const lines: readonly [CsvColumn, ...Array<CsvColumn>] = [
  column("ParentKey", "doc.batchPosition"),
  column("LineNum", "line.index", { required: true }),
  column("AccountCode", "line.account", { maxLength: 15, required: true }),
  column("ShortName", "line.account", { maxLength: 15, required: true }),
  column("Debit", "line.debitAmount", { format: amount(2) }),
  column("Credit", "line.creditAmount", { format: amount(2) }),
  column("LineMemo", "line.itemText", { maxLength: 50, onOverflow: "truncate" }),
  column("Reference1", "line.cfdiUuid", { maxLength: 100 }),
  column("CostingCode", "line.costCenter", { maxLength: 8 })
]

/** `b1-dtw-je`, version 1. */
export const b1DtwJe: CsvLayout = {
  id: "b1-dtw-je",
  version: 1,
  delimiter: "\t",
  encoding: "cp1252",
  lineEnding: "\r\n",
  files: [
    {
      suffix: "_header",
      extension: "txt",
      sectionsPer: "file",
      sections: [{
        rowPer: "document",
        headerRows: [namesRow(header), ["JdtNum", "RefDate", "TaxDate", "DueDate", "Memo", "Ref1"]],
        columns: header
      }]
    },
    {
      suffix: "_lines",
      extension: "txt",
      sectionsPer: "file",
      sections: [{
        rowPer: "line",
        headerRows: [namesRow(lines), [
          "JdtNum",
          "Line_ID",
          "Account",
          "ShortName",
          "Debit",
          "Credit",
          "LineMemo",
          "Ref1",
          "ProfitCode"
        ]],
        columns: lines
      }]
    }
  ]
}
