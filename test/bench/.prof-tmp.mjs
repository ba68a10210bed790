import { randomCfdiCorpus, readCfdi, toFiscalDocument } from "@clara-recon/cfdi"
import { DocumentSource } from "@clara-recon/domain"
import { createRequire } from "node:module"
import { performance } from "node:perf_hooks"
const req = createRequire(new URL("file:///work/main/packages/cfdi/package.json"))
const { XMLParser } = req("fast-xml-parser")
const files = randomCfdiCorpus(1, 5000).map((d) => ({ name: d.name, bytes: new TextEncoder().encode(d.xml) }))
const mode = process.argv[2] ?? "all"
const t = (name, fn) => { let best = 1e9; for (let r = 0; r < 5; r++) { const t0 = performance.now(); fn(); best = Math.min(best, performance.now() - t0) } console.log(name, (files.length / best * 1000).toFixed(0), "files/s") }
if (mode === "all" || mode === "read") t("read", () => files.map((f) => readCfdi(f.bytes, { path: f.name })))
if (mode === "all" || mode === "map") t("read+map", () => files.map((f) => { const r = readCfdi(f.bytes, { path: f.name }); return toFiscalDocument(r.right, new DocumentSource({ kind: "file", location: f.name })) }))
const dec = new TextDecoder()
if (mode === "all" || mode === "raw") t("raw", () => { const p = new XMLParser({ ignoreAttributes: false, parseAttributeValue: false, processEntities: false }); return files.map((f) => p.parse(dec.decode(f.bytes))) })
import { nodeFromXmlString } from "@nodecfdi/cfdi-core"
if (mode === "all" || mode === "node") t("nodecfdi", () => files.map((f) => { const root = nodeFromXmlString(dec.decode(f.bytes)); return [root.getAttribute("Total"), root.searchAttribute("cfdi:Emisor", "Rfc"), root.searchNode("cfdi:Complemento", "tfd:TimbreFiscalDigital")?.getAttribute("UUID")] }))
if (mode === "all") t("read+map again", () => files.map((f) => { const r = readCfdi(f.bytes, { path: f.name }); return toFiscalDocument(r.right, new DocumentSource({ kind: "file", location: f.name })) }))
