// Shared helpers of the `pnpm bench` modules: argument parsing, best-of-N timing, number formatting.
import { performance } from "node:perf_hooks"

/** The numeric value of `--name N` on the command line, or `fallback`. */
export const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}

/** Runs `fn` `rounds` times; the best wall time in milliseconds and the last result. */
export const timeIt = (fn, rounds = 3) => {
  let best = Infinity
  let result
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now()
    result = fn()
    best = Math.min(best, performance.now() - t0)
  }
  return { ms: best, result }
}

/** Like `timeIt` for an async `fn`. */
export const timeItAsync = async (fn, rounds = 3) => {
  let best = Infinity
  let result
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now()
    result = await fn()
    best = Math.min(best, performance.now() - t0)
  }
  return { ms: best, result }
}

/** `n` with `d` decimals and thousands separators. */
export const fmt = (n, d = 1) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d })

/** Resident set size now, in MB. */
export const rssMb = () => process.memoryUsage().rss / 1_048_576
