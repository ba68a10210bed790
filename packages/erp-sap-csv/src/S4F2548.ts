/**
 * The `s4-f2548` preset: the CSV of the S/4HANA "Upload General Journal Entries" app (F2548, erp.md §2.1). For each
 * document a "Header" block and a "Line Items" block, each a marker row, a technical-name row, a description row and
 * data; debit and credit in separate columns (`WRSOL` / `WRHAB`); header `BUKRS BLART BLDAT BUDAT MONAT BKTXT WAERS
 * KURSF_EXT XBLNR`, lines `BUKRS HKONT WRSOL WRHAB SGTXT KOSTL PRCTR MWSKZ ZUONR`. UTF-8 with BOM, comma, CRLF, dates `YYYYMMDD`.
 * The exact columns vary by release: generate the customer's own layout from their downloaded template when you can.
 */
import type { CsvColumn, CsvLayout } from "./CsvLayout.js"
import { amount, column, date, namesRow } from "./internal/Column.js"

const header: readonly [CsvColumn, ...Array<CsvColumn>] = [
  column("BUKRS", "doc.companyCode", { maxLength: 4, required: true }),
  column("BLART", "doc.documentType", { maxLength: 2, required: true }),
  column("BLDAT", "doc.documentDate", { format: date, required: true }),
  column("BUDAT", "doc.postingDate", { format: date, required: true }),
  column("MONAT", "doc.postingMonth", { maxLength: 2 }),
  column("BKTXT", "doc.headerText", { maxLength: 25, onOverflow: "truncate" }),
  column("WAERS", "doc.currency", { maxLength: 5, required: true }),
  column("KURSF_EXT", "doc.exchangeRate", { format: amount(5) }),
  column("XBLNR", "doc.reference", { maxLength: 16, onOverflow: "truncate" })
]

const lines: readonly [CsvColumn, ...Array<CsvColumn>] = [
  column("BUKRS", "doc.companyCode", { maxLength: 4, required: true }),
  column("HKONT", "line.account", { maxLength: 10, required: true }),
  column("WRSOL", "line.debitAmount", { format: amount(2) }),
  column("WRHAB", "line.creditAmount", { format: amount(2) }),
  column("SGTXT", "line.itemText", { maxLength: 50, onOverflow: "truncate" }),
  column("KOSTL", "line.costCenter", { maxLength: 10 }),
  column("PRCTR", "blank", { maxLength: 10 }),
  column("MWSKZ", "line.taxCode", { maxLength: 2 }),
  column("ZUONR", "doc.sourceShortId", { maxLength: 18, onOverflow: "truncate" })
]

/**
 * `s4-f2548`, version 2 (v2 added `MONAT` and `PRCTR` and follows the erp.md §2.1 column order): one file
 * `<base>.csv`.
 */
export const s4F2548: CsvLayout = {
  id: "s4-f2548",
  version: 2,
  delimiter: ",",
  encoding: "utf8bom",
  lineEnding: "\r\n",
  files: [{
    suffix: "",
    extension: "csv",
    sectionsPer: "document",
    sections: [
      {
        rowPer: "document",
        headerRows: [["Header"], namesRow(header), [
          "Company Code",
          "Journal Entry Type",
          "Journal Entry Date",
          "Posting Date",
          "Fiscal Period",
          "Document Header Text",
          "Transaction Currency",
          "Exchange Rate",
          "Reference"
        ]],
        columns: header
      },
      {
        rowPer: "line",
        headerRows: [["Line Items"], namesRow(lines), [
          "Company Code",
          "G/L Account",
          "Debit Amount in Transaction Currency",
          "Credit Amount in Transaction Currency",
          "Item Text",
          "Cost Center",
          "Profit Center",
          "Tax Code",
          "Assignment"
        ]],
        columns: lines
      }
    ]
  }]
}
