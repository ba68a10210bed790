/**
 * Decimals each currency supports, from SAT's c_Moneda catalog (the column "Decimales"), for the currencies a
 * corporate card meets; any other code gets 2, the catalog's usual value. `XXX` (no currency, P and T documents)
 * has 0. Used for the amount-format rule and the rounding tolerances (cfdi.md §2.3).
 */
const DECIMALS: Readonly<Record<string, number>> = {
  XXX: 0,
  JPY: 0,
  KRW: 0,
  CLP: 0,
  PYG: 0,
  ISK: 0,
  VND: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4
}

/** Decimals of `moneda` per c_Moneda (default 2). */
export const currencyDecimals = (moneda: string): number => DECIMALS[moneda] ?? 2
