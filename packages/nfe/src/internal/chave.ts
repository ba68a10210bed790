/**
 * Check digit of an NF-e access key (chave de acesso): mod 11 over its first 43 digits with weights 2..9 repeating
 * from the right; a remainder of 0 or 1 gives 0, otherwise 11 - remainder (Manual de Orientação do Contribuinte,
 * chave de acesso; cfdi.md §4).
 */
export const chaveCheckDigit = (first43: string): number => {
  let sum = 0
  for (let i = 0; i < first43.length; i++) sum += Number(first43[first43.length - 1 - i]) * (2 + (i % 8))
  const remainder = sum % 11
  return remainder < 2 ? 0 : 11 - remainder
}

const CHAVE = /^\d{44}$/

/** True when `chave` is 44 digits whose last digit is the mod-11 check digit of the first 43. */
export const isValidChave = (chave: string): boolean =>
  CHAVE.test(chave) && chaveCheckDigit(chave.slice(0, 43)) === Number(chave[43])
