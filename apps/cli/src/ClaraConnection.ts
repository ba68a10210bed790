/**
 * Where the Clara connection settings come from: a JSON config file (`--config`) and/or the `CLARA_*` environment
 * variables (the environment wins). This is the only place the production Clara layers are wired.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { ClaraClient, ClaraConfig, type ClaraConfigError, type ClaraSettings } from "@clara-recon/clara"

/** The Clara client over mutual TLS, configured from the file (overridden by the environment) or the environment. */
export const claraClientLayer = (
  configFile: Option.Option<string>
): Layer.Layer<ClaraClient, ClaraConfigError, FileSystem.FileSystem> =>
  ClaraClient.layerMtls.pipe(
    Layer.provide(Option.isSome(configFile) ? ClaraConfig.layerFile(configFile.value) : ClaraConfig.layerEnv)
  )

/** The Clara client for fixed settings (the in-process sandbox). */
export const claraClientLayerFor = (
  settings: ClaraSettings
): Layer.Layer<ClaraClient, ClaraConfigError, FileSystem.FileSystem> =>
  ClaraClient.layerMtls.pipe(Layer.provide(ClaraConfig.layer(settings)))
