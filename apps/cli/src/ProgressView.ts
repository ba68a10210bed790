/**
 * How a run's progress (`@clara-recon/pipeline` `Progress`) is shown: progress bars (cli-progress) on stderr when
 * stdout is a terminal, else plain lines on stderr (a step's start, every further tenth of its work, its end with
 * the time taken), so stdout stays parseable (`--json`) and logs of unattended runs stay readable.
 */
import { MultiBar, Presets, type SingleBar } from "cli-progress"
import type { ProgressReporter } from "@clara-recon/pipeline"

/** Progress bars on `stream`, one per step. */
export const barsReporter = (stream: NodeJS.WriteStream = process.stderr): ProgressReporter & { stop: () => void } => {
  const multi = new MultiBar(
    {
      stream,
      clearOnComplete: false,
      hideCursor: true,
      format: " {step} |{bar}| {value}/{total} {unit} {duration_formatted}"
    },
    Presets.shades_classic
  )
  const bars = new Map<string, SingleBar>()
  const bar = (step: string) => {
    let b = bars.get(step)
    if (b === undefined) {
      b = multi.create(1, 0, { step: step.padEnd(9), unit: "" })
      bars.set(step, b)
    }
    return b
  }
  return {
    start: (step) => void bar(step),
    total: (step, total, unit) => {
      const b = bar(step)
      b.setTotal(Math.max(total, 1))
      b.update({ unit })
    },
    advance: (step, done) => bar(step).increment(done),
    finish: (step, skipped) => {
      const b = bar(step)
      b.update(b.getTotal(), { unit: skipped ? "(already done)" : "" })
      b.stop()
    },
    stop: () => multi.stop()
  }
}

/** Plain lines through `write` (stderr by default). `now` gives epoch ms (tests pass a fixed clock). */
export const linesReporter = (
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  now: () => number = Date.now
): ProgressReporter => {
  const state = new Map<string, { started: number; total: number; unit: string; done: number; shown: number }>()
  const of = (step: string) => {
    let s = state.get(step)
    if (s === undefined) {
      s = { started: now(), total: 0, unit: "", done: 0, shown: 0 }
      state.set(step, s)
    }
    return s
  }
  return {
    start: (step) => {
      of(step)
      write(`${step}: started`)
    },
    total: (step, total, unit) => {
      const s = of(step)
      s.total = total
      s.unit = unit
    },
    advance: (step, done) => {
      const s = of(step)
      s.done += done
      const tenth = s.total > 0 ? Math.floor((10 * s.done) / s.total) : 0
      if (tenth > s.shown && s.done < s.total) {
        s.shown = tenth
        write(`${step}: ${s.done}/${s.total} ${s.unit}`)
      }
    },
    finish: (step, skipped) => {
      const s = of(step)
      const work = s.total > 0 ? `${s.total} ${s.unit}, ` : ""
      write(skipped ? `${step}: already done` : `${step}: done (${work}${((now() - s.started) / 1000).toFixed(1)} s)`)
    }
  }
}

/** Bars when stdout and stderr are terminals, else plain lines. */
export const progressReporter = (): ProgressReporter & { stop: () => void } =>
  process.stdout.isTTY && process.stderr.isTTY ? barsReporter() : { ...linesReporter(), stop: () => undefined }
