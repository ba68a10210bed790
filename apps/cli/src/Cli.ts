/**
 * The `clara-recon` command line: reconcile, post, report, link, aliases, ledger, erp, doctor, eval, demo, sandbox,
 * cfdi.
 */
import { Command } from "@effect/cli"
import { cfdiCommand } from "./commands/CfdiCommand.js"
import { demoCommand } from "./commands/DemoCommand.js"
import { doctorCommand } from "./commands/DoctorCommand.js"
import { erpCommand } from "./commands/ErpCommand.js"
import { evalCommand } from "./commands/EvalCommand.js"
import { postCommand, reconcileCommand } from "./commands/ReconcileCommand.js"
import { sandboxCommand } from "./commands/SandboxCommand.js"
import { aliasesCommand, ledgerCommand, linkCommand, reportCommand } from "./commands/StoreCommands.js"
import { cliVersion } from "./Tracing.js"

/** The root command. */
export const rootCommand = Command.make("clara-recon").pipe(
  Command.withDescription("Reconcile Clara corporate-card transactions with CFDI invoices and post them to the ERP"),
  Command.withSubcommands([
    reconcileCommand,
    postCommand,
    reportCommand,
    linkCommand,
    aliasesCommand,
    ledgerCommand,
    erpCommand,
    doctorCommand,
    evalCommand,
    demoCommand,
    sandboxCommand,
    cfdiCommand
  ])
)

/** Runs the CLI on `argv` (as `process.argv`). */
export const cli = Command.run(rootCommand, { name: "clara-recon", version: cliVersion })
