/**
 * The certificate checks of `clara-recon doctor` (clara-api.md §1.2): the client certificate parses, is valid now
 * and for how long (a warning under 30 days), the private key belongs to it, and the CA file (when set) parses and
 * signed the certificate. Uses node's `X509Certificate`; reads only public data and never prints the key.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import { createPrivateKey, X509Certificate } from "node:crypto"
import type { ClaraSettings } from "@clara-recon/clara"
import { type Check, check } from "./Check.js"

/** Days before expiry from which the certificate check warns. */
export const EXPIRY_WARNING_DAYS = 30

const DAY_MS = 86_400_000

/** Checks the client certificate, key and CA named in `settings` as of `now` (epoch ms). */
export const certificateChecks = (settings: ClaraSettings, now: number) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const read = (path: string) =>
      fs.readFileString(path).pipe(Effect.mapError((e) => new Error(`cannot read ${path}: ${e.message}`)))
    const certificate = yield* Effect.flatMap(read(settings.certPath), (pem) =>
      Effect.try({
        try: () => new X509Certificate(pem),
        catch: () => new Error(`${settings.certPath} is not a PEM certificate`)
      }))
    const checks: Array<Check> = []
    const notAfter = Date.parse(certificate.validTo)
    const notBefore = Date.parse(certificate.validFrom)
    const days = Math.floor((notAfter - now) / DAY_MS)
    const subject = certificate.subject.replace(/\n/g, ", ")
    checks.push(
      now > notAfter
        ? check("client certificate", "fail", `${settings.certPath} (${subject}) expired on ${certificate.validTo}`)
        : now < notBefore
        ? check("client certificate", "fail", `${settings.certPath} is not valid before ${certificate.validFrom}`)
        : check(
          "client certificate",
          days < EXPIRY_WARNING_DAYS ? "warn" : "ok",
          `${settings.certPath} (${subject}) valid until ${new Date(notAfter).toISOString()}, ${days} days left`
        )
    )
    const keyPem = yield* read(settings.keyPath)
    const matches = yield* Effect.try({
      try: () => certificate.checkPrivateKey(createPrivateKey(keyPem)),
      catch: () => new Error(`${settings.keyPath} is not a PEM private key`)
    })
    checks.push(
      matches
        ? check("private key", "ok", `${settings.keyPath} matches the certificate`)
        : check("private key", "fail", `${settings.keyPath} does not belong to ${settings.certPath}`)
    )
    if (settings.caPath !== undefined) {
      const caPem = yield* read(settings.caPath)
      const ca = yield* Effect.try({
        try: () => new X509Certificate(caPem),
        catch: () => new Error(`${settings.caPath} is not a PEM certificate`)
      })
      checks.push(
        certificate.checkIssued(ca)
          ? check("certificate authority", "ok", `${settings.caPath} issued the client certificate`)
          : check("certificate authority", "warn", `${settings.caPath} did not issue the client certificate`)
      )
    }
    return checks
  })
