import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    projects: [
      { test: { name: "packages", include: ["packages/*/test/**/*.test.ts", "apps/*/test/**/*.test.ts"] } },
      { test: { name: "e2e", include: ["test/**/*.test.ts"], testTimeout: 180_000, hookTimeout: 180_000 } }
    ],
    reporters: ["default", "./test/support/SummaryReporter.ts"]
  }
})
