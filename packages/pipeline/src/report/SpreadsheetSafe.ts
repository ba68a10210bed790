/**
 * CSV cells that a spreadsheet would not run (OWASP "CSV injection"): the chase lists and `exceptions.csv` go to
 * cardholders and controllers who open them in Excel, and merchant descriptors, names and messages come from outside.
 */

/**
 * `value` with a leading apostrophe when it starts like a formula (`=`, `+`, `-`, `@`, a tab or a carriage return);
 * a negative number (`-250.00`) is left as it is.
 */
export const spreadsheetSafe = (value: string): string =>
  /^[=+\-@\t\r]/.test(value) && !/^-\d+(\.\d+)?$/.test(value) ? `'${value}` : value

/** csv-stringify options casting every string cell through `spreadsheetSafe`. */
export const spreadsheetSafeCast = { string: spreadsheetSafe } as const
