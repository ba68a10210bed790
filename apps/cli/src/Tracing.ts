/**
 * OpenTelemetry traces for a run (issue #7): when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, every Effect span of the run
 * (the job's steps, each Clara page and request, each ERP posting) is exported over OTLP/HTTP (JSON) to
 * `<endpoint>/v1/traces`, under one root span per command: one trace per run. `OTEL_SERVICE_NAME` names the service
 * (default `clara-recon`); the other standard `OTEL_EXPORTER_OTLP_*` variables (headers, timeout) are read by the
 * exporter itself. Spans are batched and flushed when the command ends. Without the variable, nothing is exported.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/** The version reported as `service.version`. */
export const cliVersion = "0.2.0"

/**
 * The tracing layer for the current environment: an OTLP exporter, or nothing. The OpenTelemetry SDK is imported
 * only when tracing is on, so it costs nothing to the start-up of an untraced command.
 */
export const tracingLayer = (env: NodeJS.ProcessEnv = process.env): Layer.Layer<never> => {
  const endpoint = env["OTEL_EXPORTER_OTLP_ENDPOINT"]?.trim()
  if (endpoint === undefined || endpoint === "") return Layer.empty
  return Layer.unwrapEffect(Effect.promise(async () => {
    const [NodeSdk, { OTLPTraceExporter }, { BatchSpanProcessor }] = await Promise.all([
      import("@effect/opentelemetry/NodeSdk"),
      import("@opentelemetry/exporter-trace-otlp-http"),
      import("@opentelemetry/sdk-trace-base")
    ])
    return Layer.discard(NodeSdk.layer(() => ({
      resource: { serviceName: env["OTEL_SERVICE_NAME"]?.trim() || "clara-recon", serviceVersion: cliVersion },
      spanProcessor: new BatchSpanProcessor(new OTLPTraceExporter())
    })))
  }))
}
