import {
  ClaraClient,
  type ClaraClientService,
  ClaraConfig,
  type ClaraError,
  type ClaraItem,
  type ClaraWebhookEvent,
  makeClaraSettings,
  makeWebhookReceiver,
  partitionItems,
  type WebhookVerifier
} from "@clara-recon/clara"
import * as HttpServer from "@effect/platform/HttpServer"
import { NodeFileSystem, NodeHttpServer } from "@effect/platform-node"
import { Chunk, Context, Duration, Effect, Layer, Redacted, Stream } from "effect"
import * as http from "node:http"
import { type ClaraEmulator, type ExtendedOptions, startClaraEmulator } from "../../src/ClaraEmulator.js"
import type { Scenario } from "../../src/Scenario.js"
import { generateScenario } from "../../src/ScenarioGenerator.js"
import { makeTestPki, writeTestPki } from "../../src/TestPki.js"
import { tempDirectory } from "./TempDirectory.js"

/** A running emulator (generated scenario of `seed`) and the real client connected to it over mutual TLS. */
export const connectExtended = (seed: number, extended: ExtendedOptions = {}) =>
  Effect.gen(function*() {
    const dir = yield* tempDirectory("clara-extended-")
    const pki = yield* makeTestPki()
    const paths = yield* writeTestPki(pki, dir)
    const scenario: Scenario = generateScenario({ seed, size: 30 })
    const emulator: ClaraEmulator = yield* startClaraEmulator({ scenario, pki, extended })
    const settings = makeClaraSettings({
      baseUrl: emulator.baseUrl,
      clientId: emulator.clientId,
      clientSecret: Redacted.make(emulator.clientSecret),
      certPath: paths.cert,
      keyPath: paths.key,
      caPath: paths.ca
    })
    const layer = ClaraClient.layerMtls.pipe(
      Layer.provide(Layer.succeed(ClaraConfig, settings)),
      Layer.provide(NodeFileSystem.layer)
    )
    const client: ClaraClientService = Context.get(yield* Layer.build(layer), ClaraClient)
    return { client, emulator, scenario }
  })

/** A webhook receiver on plain http://127.0.0.1 collecting the events it accepts. */
export const startReceiver = (verifier?: WebhookVerifier) =>
  Effect.gen(function*() {
    const events: Array<ClaraWebhookEvent> = []
    const app = makeWebhookReceiver({
      handle: (event) => Effect.sync(() => events.push(event)),
      ...(verifier === undefined ? {} : { verifier })
    })
    const served = HttpServer.serve(app).pipe(
      Layer.provideMerge(NodeHttpServer.layer(() => http.createServer(), { port: 0, host: "127.0.0.1" }))
    )
    const context = yield* Layer.build(served)
    const address = Context.get(context, HttpServer.HttpServer).address
    const port = address._tag === "TcpAddress" ? address.port : 0
    return { url: `http://127.0.0.1:${port}/hooks/clara`, events }
  })

/** Polls `check` every 25 ms until it holds (at most ~10 s), then fails the test if it never did. */
export const eventually = (label: string, check: () => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 400; i++) {
      if (check()) return
      yield* Effect.sleep(Duration.millis(25))
    }
    return yield* Effect.die(new Error(`never happened: ${label}`))
  })

/** Every decoded value of a list stream; fails the test on an invalid record. */
export const values = <A>(stream: Stream.Stream<ClaraItem<A>, ClaraError>) =>
  Effect.map(Stream.runCollect(stream), (items) => {
    const { errors, values } = partitionItems(Chunk.toReadonlyArray(items))
    if (errors.length > 0) throw new Error(errors[0]!.message)
    return values
  })
