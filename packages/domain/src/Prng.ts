/**
 * A small seeded pseudo-random generator (mulberry32) for the generators of test data and scenarios (CFDI corpus,
 * Clara sandbox, matcher synthetic worlds, fault injection): the same seed gives byte-identical output. Never
 * `Math.random`.
 */

/** A deterministic random source: same seed, same sequence. */
export class Prng {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }

  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p
  }

  /** One element of a non-empty list. */
  pick<A>(items: ReadonlyArray<A>): A {
    return items[this.int(0, items.length - 1)]!
  }

  /** A random version-4 UUID (lower case), drawn from this source. */
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(0, 15).toString(16))
    hex[12] = "4"
    hex[16] = (8 + this.int(0, 3)).toString(16)
    const s = hex.join("")
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`
  }

  /** A string of `length` decimal digits. */
  digits(length: number): string {
    return Array.from({ length }, () => this.int(0, 9).toString()).join("")
  }
}
