/**
 * Mexican merchant-name normalisation (matching.md §7.2 "Name normalisation (Mexico)", §4.5).
 *
 * Steps, in order: NFD + drop accents + upper case; strip card-rail processor prefixes (`STR*`, `STRIPE *`);
 * split into tokens (dots inside abbreviations are removed, so `S.A. DE C.V.` reads `SA DE CV`; a dot before a
 * word such as `FINKOK.COM` separates); merge runs of single letters (`Q L` -> `QL`, `S A` -> `SA`); drop rail
 * noise (`WWW`, `COM`, `MX`, `MEXICO`, bank words, `SUC 12`, runs of 4+ digits, bare numbers); strip legal forms;
 * expand abbreviations; drop stopwords. The word lists are the versioned `NameTables`.
 */
import { type NameTables, nameTables } from "./NameTables.js"

interface CompiledTables {
  readonly prefix: RegExp
  readonly noise: ReadonlySet<string>
  readonly phrases: ReadonlyArray<ReadonlyArray<string>>
  readonly branch: ReadonlySet<string>
  readonly legalTrailing: ReadonlyArray<ReadonlyArray<string>>
  readonly legalAnywhere: ReadonlyArray<ReadonlyArray<string>>
  readonly abbreviations: ReadonlyMap<string, string>
  readonly stopwords: ReadonlySet<string>
}

const compiled = new WeakMap<NameTables, CompiledTables>()

const compile = (tables: NameTables): CompiledTables => {
  const cached = compiled.get(tables)
  if (cached) return cached
  const text = (form: ReadonlyArray<string>) => form.join(" ")
  const byLengthDesc = [...tables.legalForms].sort((a, b) =>
    b.length - a.length || (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0)
  )
  const result: CompiledTables = {
    prefix: new RegExp(`^\\s*(?:${tables.processorPrefixes.join("|")})\\s*\\*\\s*`),
    noise: new Set(tables.noiseTokens),
    phrases: tables.noisePhrases,
    branch: new Set(tables.branchMarkers),
    legalTrailing: byLengthDesc,
    legalAnywhere: byLengthDesc.filter((form) => form.length >= 3),
    abbreviations: new Map(Object.entries(tables.abbreviations)),
    stopwords: new Set(tables.stopwords)
  }
  compiled.set(tables, result)
  return result
}

/** NFD, combining marks dropped, upper case: `Operadora Méx` -> `OPERADORA MEX`. */
export const foldCase = (text: string): string => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toUpperCase()

const isNumber = (token: string): boolean => /^\d+$/.test(token)
const isLetter = (token: string): boolean => /^[A-Z]$/.test(token)

const mergeSingleLetters = (tokens: ReadonlyArray<string>): Array<string> => {
  const out: Array<string> = []
  let run = ""
  let runLength = 0
  const flush = () => {
    if (runLength > 0) out.push(run)
    run = ""
    runLength = 0
  }
  for (const token of tokens) {
    if (isLetter(token)) {
      run += token
      runLength++
    } else {
      flush()
      out.push(token)
    }
  }
  flush()
  return out
}

const matchesAt = (tokens: ReadonlyArray<string>, at: number, form: ReadonlyArray<string>): boolean => {
  if (at < 0 || at + form.length > tokens.length) return false
  for (let k = 0; k < form.length; k++) if (tokens[at + k] !== form[k]) return false
  return true
}

const dropNoise = (tokens: ReadonlyArray<string>, t: CompiledTables): Array<string> => {
  const out: Array<string> = []
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    const phrase = t.phrases.find((p) => matchesAt(tokens, i, p))
    if (phrase) {
      i += phrase.length - 1
      continue
    }
    if (t.noise.has(token)) continue
    if (t.branch.has(token) && i + 1 < tokens.length && isNumber(tokens[i + 1]!)) {
      i++
      continue
    }
    const stripped = token.replace(/\d{4,}/g, "")
    if (stripped === "" || isNumber(stripped)) continue
    out.push(stripped)
  }
  return out
}

const stripLegalForms = (tokens: Array<string>, t: CompiledTables): Array<string> => {
  let out = tokens
  for (const form of t.legalAnywhere) {
    let i = 0
    while (i + form.length < out.length) {
      if (matchesAt(out, i, form)) out = [...out.slice(0, i), ...out.slice(i + form.length)]
      else i++
    }
  }
  let stripped = true
  while (stripped) {
    stripped = false
    for (const form of t.legalTrailing) {
      if (out.length > form.length && matchesAt(out, out.length - form.length, form)) {
        out = out.slice(0, out.length - form.length)
        stripped = true
        break
      }
    }
  }
  return out
}

/**
 * Normalises a merchant descriptor or issuer name into tokens (matching.md §7.2).
 * `"DISTRIBUIDORA PREZ SA DE CV"` -> `["DISTRIBUIDORA", "PREZ"]`; `"STR*WWW FINKOK COM MX"` -> `["FINKOK"]`.
 * Pure and total: any string gives a (possibly empty) token list.
 */
export const normaliseName = (text: string, tables: NameTables = nameTables): ReadonlyArray<string> => {
  const t = compile(tables)
  const folded = foldCase(text).replace(t.prefix, " ")
  const spaced = folded
    .replace(/['\u2019`]/g, "")
    .replace(/\.(?=[A-Z0-9]{2})/g, " ")
    .replace(/\./g, "")
    .replace(/[^A-Z0-9]+/g, " ")
    .trim()
  if (spaced === "") return []
  const merged = mergeSingleLetters(dropNoise(mergeSingleLetters(spaced.split(" ")), t))
  return stripLegalForms(merged, t)
    .map((token) => t.abbreviations.get(token) ?? token)
    .filter((token) => !t.stopwords.has(token))
}

/** The alias-table key of a descriptor: its normalised tokens joined by one space (`"GRUPO GASOLINERA BERISA"`). */
export const descriptorKey = (text: string, tables: NameTables = nameTables): string =>
  normaliseName(text, tables).join(" ")
