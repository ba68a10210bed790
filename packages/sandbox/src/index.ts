/** Emulators for the demo, the tests and integrators: the Clara API over HTTPS + mutual TLS, from seeded scenarios. */
export * from "./ClaraEmulator.js"
export * from "./ClaraSandbox.js"
export * from "./SandboxError.js"
export * from "./Scenario.js"
export * from "./ScenarioFromInvoices.js"
export * from "./ScenarioGenerator.js"
export * from "./TestPki.js"
