import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Effect, Either } from "effect"
import type { Cfdi } from "../src/Cfdi.js"
import type { CfdiReadError, CfdiReadReason } from "../src/CfdiError.js"
import { sha256Hex } from "@clara-recon/domain"
import { readCfdi, readCfdiEffect } from "../src/CfdiReader.js"

const CFDI4 = "http://www.sat.gob.mx/cfd/4"
const TFD = "http://www.sat.gob.mx/TimbreFiscalDigital"
const UUID = "a1b2c3d4-0000-4000-8000-00000000abcd"

/** A small stamped CFDI 4.0 whose elements use prefix `p` (empty: default namespace) and TFD prefix `t`. */
const cfdi40 = (options: { p?: string; t?: string; nombre?: string; extra?: string; complemento?: string } = {}) => {
  const p = options.p ?? "cfdi"
  const q = (name: string) => (p === "" ? name : `${p}:${name}`)
  const t = options.t ?? "tfd"
  const tq = t === "" ? "TimbreFiscalDigital" : `${t}:TimbreFiscalDigital`
  const rootNs = p === "" ? `xmlns="${CFDI4}"` : `xmlns:${p}="${CFDI4}"`
  const tfdNs = t === "" ? `xmlns="${TFD}"` : `xmlns:${t}="${TFD}"`
  const complemento = options.complemento ??
    `<${tq} ${tfdNs} Version="1.1" UUID="${UUID}" FechaTimbrado="2026-01-15T13:50:00" RfcProvCertif="AAA010101AAA"/>`
  return `<?xml version="1.0" encoding="UTF-8"?>
<${q("Comprobante")} ${rootNs} Version="4.0" Serie="A" Folio="0012" Fecha="2026-01-15T13:45:00" SubTotal="1000.00"
 Descuento="100.00" Moneda="MXN" Total="1044.00" TipoDeComprobante="I" MetodoPago="PUE" FormaPago="04"
 LugarExpedicion="06600" Exportacion="01">
  <${q("CfdiRelacionados")} TipoRelacion="04"><${q("CfdiRelacionado")} UUID="f0e1d2c3-1111-4222-8333-444455556666"/></${
    q("CfdiRelacionados")
  }>
  <${q("Emisor")} Rfc=" eku9003173c9" Nombre="${options.nombre ?? "ESCUELA KEMPER URGATE"}" RegimenFiscal="601"/>
  <${q("Receptor")} Rfc="XIQB891116QE4" Nombre="BERENICE XIMO QUEZADA" UsoCFDI="G03" DomicilioFiscalReceptor="06600"
   RegimenFiscalReceptor="612"/>
  <${q("Conceptos")}>
    <${q("Concepto")} ClaveProdServ="50192100" Cantidad="2" ClaveUnidad="H87" Descripcion="Comida"
     ValorUnitario="500.00" Importe="1000.00" Descuento="100.00" ObjetoImp="02"/>
  </${q("Conceptos")}>
  <${q("Impuestos")} TotalImpuestosTrasladados="144.00">
    <${q("Traslados")}><${q("Traslado")} Base="900.00" Impuesto="002" TipoFactor="Tasa" TasaOCuota="0.160000"
     Importe="144.00"/></${q("Traslados")}>
  </${q("Impuestos")}>
  ${options.extra ?? ""}
  <${q("Complemento")}>${complemento}</${q("Complemento")}>
</${q("Comprobante")}>
`
}

const read = (xml: string | Uint8Array, maxBytes?: number): Either.Either<Cfdi, CfdiReadError> =>
  readCfdi(xml, maxBytes === undefined ? { path: "in-test.xml" } : { path: "in-test.xml", maxBytes })

const readOk = (xml: string | Uint8Array): Cfdi => {
  const result = read(xml)
  if (Either.isLeft(result)) assert.fail(result.left.message)
  return result.right
}

const refusal = (xml: string | Uint8Array, reason: CfdiReadReason, maxBytes?: number): CfdiReadError => {
  const result = read(xml, maxBytes)
  if (Either.isRight(result)) assert.fail(`expected ${reason}, read ${result.right.timbre.uuid}`)
  assert.strictEqual(result.left.reason, reason, result.left.message)
  assert.strictEqual(result.left._tag, "CfdiReadError")
  assert.include(result.left.message, "in-test.xml")
  return result.left
}

const amount = (value: BigDecimal.BigDecimal | undefined) =>
  value === undefined ? undefined : BigDecimal.format(value)

describe("readCfdi fields", () => {
  it("keeps every amount exactly as written: the value and scale BigDecimal.fromString gives", () => {
    for (const written of ["100.00", "+1.0", ".5", "5.", "-0.50", "007.10", "12345678901234567890.123456", "0"]) {
      const cfdi = readOk(cfdi40().replace(`Descuento="100.00"`, `Descuento="${written}"`))
      const expected = BigDecimal.unsafeFromString(written)
      assert.strictEqual(cfdi.descuento?.value, expected.value, written)
      assert.strictEqual(cfdi.descuento?.scale, expected.scale, written)
    }
  })

  it("reads the header, parties, relations, concepts, taxes and stamp", () => {
    const cfdi = readOk(cfdi40())
    assert.strictEqual(cfdi.version, "4.0")
    assert.strictEqual(cfdi.path, "in-test.xml")
    assert.strictEqual(cfdi.timbre.uuid, UUID.toUpperCase())
    assert.strictEqual(cfdi.timbre.fechaTimbrado, "2026-01-15T13:50:00")
    assert.strictEqual(cfdi.serie, "A")
    assert.strictEqual(cfdi.folio, "0012")
    assert.strictEqual(cfdi.fecha, "2026-01-15T13:45:00")
    assert.strictEqual(cfdi.issueDate, "2026-01-15")
    assert.strictEqual(cfdi.subTotal.scale, 2)
    assert.strictEqual(amount(cfdi.subTotal), "1000")
    assert.strictEqual(amount(cfdi.descuento), "100")
    assert.strictEqual(amount(cfdi.total), "1044")
    assert.strictEqual(cfdi.moneda, "MXN")
    assert.isUndefined(cfdi.tipoCambio)
    assert.deepStrictEqual(
      [cfdi.tipoDeComprobante, cfdi.metodoPago, cfdi.formaPago, cfdi.lugarExpedicion, cfdi.exportacion],
      ["I", "PUE", "04", "06600", "01"]
    )
    assert.deepStrictEqual(cfdi.emisor, { rfc: "EKU9003173C9", nombre: "ESCUELA KEMPER URGATE", regimenFiscal: "601" })
    assert.deepStrictEqual(cfdi.receptor, {
      rfc: "XIQB891116QE4",
      nombre: "BERENICE XIMO QUEZADA",
      usoCfdi: "G03",
      domicilioFiscalReceptor: "06600",
      regimenFiscalReceptor: "612"
    })
    assert.deepStrictEqual(cfdi.cfdiRelacionados, [
      { tipoRelacion: "04", uuids: ["F0E1D2C3-1111-4222-8333-444455556666"] }
    ])
    const [concepto] = cfdi.conceptos
    assert.strictEqual(concepto?.claveProdServ, "50192100")
    assert.strictEqual(concepto?.descripcion, "Comida")
    assert.strictEqual(amount(concepto?.cantidad), "2")
    assert.strictEqual(amount(concepto?.importe), "1000")
    assert.strictEqual(amount(concepto?.descuento), "100")
    assert.strictEqual(concepto?.objetoImp, "02")
    assert.strictEqual(amount(cfdi.impuestos?.totalImpuestosTrasladados), "144")
    assert.strictEqual(amount(cfdi.impuestos?.ivaTrasladado), "144")
    assert.isUndefined(cfdi.impuestos?.iepsTrasladado)
    assert.isUndefined(cfdi.impuestos?.isrRetenido)
    assert.isUndefined(cfdi.impuestosLocales)
  })

  it("splits withholdings by tax and reads implocal totals from any Complemento", () => {
    const extra = `<cfdi:Complemento><implocal:ImpuestosLocales xmlns:implocal="http://www.sat.gob.mx/implocal"
      version="1.0" TotaldeRetenciones="0.00" TotaldeTraslados="25.00"/></cfdi:Complemento>`
    const xml = cfdi40({ extra }).replace(
      `</cfdi:Traslados>`,
      `</cfdi:Traslados><cfdi:Retenciones><cfdi:Retencion Impuesto="001" Importe="90.00"/>
       <cfdi:Retencion Impuesto="002" Importe="96.00"/></cfdi:Retenciones>`
    )
    const cfdi = readOk(xml)
    assert.strictEqual(amount(cfdi.impuestos?.isrRetenido), "90")
    assert.strictEqual(amount(cfdi.impuestos?.ivaRetenido), "96")
    assert.strictEqual(cfdi.impuestos?.retenciones.length, 2)
    assert.strictEqual(amount(cfdi.impuestosLocales?.totalTraslados), "25")
    assert.strictEqual(amount(cfdi.impuestosLocales?.totalRetenciones), "0")
  })

  it("keeps attribute text exact: no number parsing, entities and character references decoded", () => {
    const cfdi = readOk(cfdi40({ nombre: "H&amp;E &#209;o&#xF1;o &quot;SA&quot; 007" }))
    assert.strictEqual(cfdi.emisor.nombre, "H&E Ñoño \"SA\" 007")
    assert.strictEqual(cfdi.folio, "0012")
    assert.strictEqual(BigDecimal.format(cfdi.conceptos[0]!.valorUnitario), "500")
    assert.strictEqual(cfdi.conceptos[0]!.valorUnitario.scale, 2)
  })

  it("runs as an Effect too", () =>
    Effect.gen(function*() {
      const cfdi = yield* readCfdiEffect(cfdi40(), { path: "in-test.xml" })
      assert.strictEqual(cfdi.timbre.uuid, UUID.toUpperCase())
      const error = yield* Effect.flip(readCfdiEffect("<foo/>", { path: "in-test.xml" }))
      assert.strictEqual(error.reason, "NotCfdi")
    }).pipe(Effect.runSync))

  it("hashes bytes as lower-case hex SHA-256", () => {
    assert.strictEqual(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    assert.strictEqual(sha256Hex(new TextEncoder().encode("abc")), sha256Hex("abc"))
  })
})

describe("readCfdi namespaces", () => {
  it("matches by namespace URI whatever the prefix", () => {
    assert.strictEqual(readOk(cfdi40({ p: "x", t: "stamp" })).timbre.uuid, UUID.toUpperCase())
  })

  it("reads a default-namespace document with a default-namespace TFD", () => {
    const cfdi = readOk(cfdi40({ p: "", t: "" }))
    assert.strictEqual(cfdi.emisor.rfc, "EKU9003173C9")
    assert.strictEqual(cfdi.timbre.uuid, UUID.toUpperCase())
  })

  it("honours declarations on inner elements", () => {
    const complemento = `<s:TimbreFiscalDigital xmlns:s="${TFD}" UUID="${UUID}"/>`
    const xml = cfdi40({ complemento }).replace("<cfdi:Complemento>", `<cfdi:Complemento xmlns:z="urn:unused">`)
    assert.strictEqual(readOk(xml).timbre.uuid, UUID.toUpperCase())
  })

  it("never matches by prefix alone", () => {
    const xml = cfdi40().replace("<cfdi:Emisor ", `<cfdi:Emisor xmlns:cfdi="urn:not-sat" `)
    const error = refusal(xml, "MissingField")
    assert.strictEqual(error.field, "Emisor")
    const fakeTfd = `<tfd:TimbreFiscalDigital xmlns:tfd="urn:fake" UUID="${UUID}"/>`
    refusal(cfdi40({ complemento: fakeTfd }), "MissingTimbre")
  })

  it("ignores the Addenda, even a TimbreFiscalDigital inside it", () => {
    const addenda = `<cfdi:Addenda><cfdi:Complemento><tfd:TimbreFiscalDigital xmlns:tfd="${TFD}" UUID="${UUID}"/>
      </cfdi:Complemento><foo:Bar xmlns:foo="urn:foo" x="1"/></cfdi:Addenda>`
    refusal(cfdi40({ complemento: "", extra: addenda }), "MissingTimbre")
  })
})

describe("readCfdi robustness", () => {
  it("accepts a UTF-8 BOM and whitespace before the XML declaration", () => {
    const body = new TextEncoder().encode(`\n  \t${cfdi40({ nombre: "Café" })}`)
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...body])
    assert.strictEqual(readOk(bytes).emisor.nombre, "Café")
    assert.strictEqual(readOk(`\uFEFF \n${cfdi40()}`).timbre.uuid, UUID.toUpperCase())
  })

  it("decodes windows-1252 and ISO-8859-1 by the declared encoding", () => {
    const nombre = "Papelería Ñandú €"
    const cp1252 = cfdi40({ nombre }).replace(`encoding="UTF-8"`, `encoding="windows-1252"`).replace("€", "\x80")
    assert.strictEqual(readOk(Buffer.from(cp1252, "latin1")).emisor.nombre, nombre)
    const latin1 = cfdi40({ nombre: "Papelería Ñandú" }).replace(`encoding="UTF-8"`, `encoding='ISO-8859-1'`)
    assert.strictEqual(readOk(Buffer.from(latin1, "latin1")).emisor.nombre, "Papelería Ñandú")
  })

  it("falls back to windows-1252 when bytes labelled UTF-8 are not UTF-8", () => {
    assert.strictEqual(readOk(Buffer.from(cfdi40({ nombre: "Añil" }), "latin1")).emisor.nombre, "Añil")
  })

  it("refuses an unknown encoding label as NotXml", () => {
    refusal(new TextEncoder().encode(cfdi40().replace(`encoding="UTF-8"`, `encoding="x-klingon"`)), "NotXml")
  })

  it("refuses a DOCTYPE as Unsafe before parsing", () => {
    const xml = cfdi40().replace(
      `<cfdi:Comprobante`,
      `<!DOCTYPE cfdi:Comprobante [<!ENTITY boom "boom">]>\n<cfdi:Comprobante`
    )
    assert.strictEqual(refusal(xml, "Unsafe").detail, "DOCTYPE declarations are refused")
  })

  it("refuses files over the size limit", () => {
    const xml = cfdi40()
    const error = refusal(xml, "TooLarge", 100)
    assert.include(error.message, "exceeds the limit of 100")
    assert.strictEqual(readCfdi(xml, { path: "in-test.xml", maxBytes: 100_000 })._tag, "Right")
    refusal(new Uint8Array(6 * 1024 * 1024).fill(0x20), "TooLarge")
  })

  it("refuses malformed XML and text as NotXml", () => {
    refusal("", "NotXml")
    refusal("hello", "NotXml")
    refusal(cfdi40().replace("</cfdi:Conceptos>", ""), "NotXml")
    refusal("<a/><b/>", "NotXml")
  })
})

describe("readCfdi refusals", () => {
  it("refuses CFDI 3.2 as UnsupportedVersion", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/3" version="3.2" fecha="2014-01-01T00:00:00" total="10.00"
 subTotal="10.00"><cfdi:Emisor rfc="AAA010101AAA"/><cfdi:Complemento><tfd:TimbreFiscalDigital
 xmlns:tfd="${TFD}" version="1.0" UUID="${UUID}"/></cfdi:Complemento></cfdi:Comprobante>`
    const error = refusal(xml, "UnsupportedVersion")
    assert.strictEqual(error.field, "Comprobante@Version")
    assert.include(error.message, "3.2")
  })

  it("refuses a 3.3 namespace document claiming 4.0, and old CFD namespaces", () => {
    refusal(cfdi40().replaceAll(CFDI4, "http://www.sat.gob.mx/cfd/3"), "UnsupportedVersion")
    refusal(cfdi40().replaceAll(CFDI4, "http://www.sat.gob.mx/cfd/2"), "UnsupportedVersion")
  })

  it("refuses non-CFDI XML and Retenciones as NotCfdi", () => {
    assert.include(refusal(`<?xml version="1.0"?><foo>bar</foo>`, "NotCfdi").message, "<foo>")
    const retenciones = `<retenciones:Retenciones xmlns:retenciones="http://www.sat.gob.mx/esquemas/retencionpago/2"
      Version="2.0"/>`
    assert.include(refusal(retenciones, "NotCfdi").message, "Retenciones")
    refusal(cfdi40().replaceAll(CFDI4, "urn:other"), "NotCfdi")
  })

  it("refuses an unstamped document as MissingTimbre", () => {
    const error = refusal(cfdi40({ complemento: "" }), "MissingTimbre")
    assert.strictEqual(error.field, "Complemento/TimbreFiscalDigital")
    refusal(cfdi40({ complemento: "" }).replace(/<cfdi:Complemento>.*<\/cfdi:Complemento>/, ""), "MissingTimbre")
  })

  it("names the missing or invalid field", () => {
    const missing = refusal(cfdi40().replace(` Total="1044.00"`, ""), "MissingField")
    assert.strictEqual(missing.field, "Comprobante@Total")
    assert.strictEqual(missing.message, "in-test.xml: Comprobante@Total: required attribute is missing")
    const invalid = refusal(cfdi40().replace(`Importe="1000.00"`, `Importe="1,000.00"`), "InvalidValue")
    assert.strictEqual(invalid.field, "Concepto[1]@Importe")
    assert.strictEqual(refusal(cfdi40().replace(`SubTotal="1000.00"`, `SubTotal=""`), "MissingField").field,
      "Comprobante@SubTotal")
    const fecha = refusal(cfdi40().replace("2026-01-15T13:45:00", "2026-02-30T13:45:00"), "InvalidValue")
    assert.strictEqual(fecha.field, "Comprobante@Fecha")
    const uuid = refusal(cfdi40().replace(` UUID="${UUID}"`, ""), "MissingField")
    assert.strictEqual(uuid.field, "TimbreFiscalDigital@UUID")
  })

  it("builds refusals without a stack trace and leaves Error.stackTraceLimit as it was", () => {
    const limit = Error.stackTraceLimit
    for (const error of [refusal(`<foo>bar</foo>`, "NotCfdi"), refusal(`<foo>`, "NotXml")]) {
      assert.notInclude(String(error.stack), "\n    at ")
      assert.instanceOf(error, Error)
    }
    assert.strictEqual(Error.stackTraceLimit, limit)
    assert.include(String(new Error("a fault").stack), "\n    at ")
  })
})

describe("readCfdi complements and safety", () => {
  it("reads implocal lines, keeps unknown complements by namespace and reads TFD 1.0", () => {
    const complemento = `<implocal:ImpuestosLocales xmlns:implocal="http://www.sat.gob.mx/implocal" version="1.0"
      TotaldeRetenciones="5.00" TotaldeTraslados="25.00"><implocal:RetencionesLocales ImpLocRetenido="ISN"
      TasadeRetencion="0.50" Importe="5.00"/><implocal:TrasladosLocales ImpLocTrasladado="IH" TasadeTraslado="2.50"
      Importe="25.00"/></implocal:ImpuestosLocales>
      <aerolineas:Aerolineas xmlns:aerolineas="http://www.sat.gob.mx/aerolineas" Version="1.0" TUA="150.00"/>
      <tfd:TimbreFiscalDigital xmlns:tfd="${TFD}" version="1.0" UUID="${UUID}" FechaTimbrado="2026-01-15T13:50:00"/>`
    const cfdi = readOk(cfdi40({ complemento }))
    assert.strictEqual(cfdi.timbre.version, "1.0")
    assert.strictEqual(cfdi.timbre.uuid, UUID.toUpperCase())
    const local = cfdi.impuestosLocales!
    const lines = (list: typeof local.traslados) => list.map((l) => [l.impuesto, l.tasa, amount(l.importe)])
    assert.deepStrictEqual(lines(local.traslados), [["IH", "2.50", "25"]])
    assert.deepStrictEqual(lines(local.retenciones), [["ISN", "0.50", "5"]])
    assert.deepStrictEqual(cfdi.otrosComplementos, [{
      ns: "http://www.sat.gob.mx/aerolineas",
      name: "Aerolineas",
      attributes: { "xmlns:aerolineas": "http://www.sat.gob.mx/aerolineas", Version: "1.0", TUA: "150.00" }
    }])
    assert.strictEqual(readOk(cfdi40()).timbre.version, "1.1")
    assert.isTrue(readOk(cfdi40()).sellado === false)
  })

  it("reads several CfdiRelacionados nodes (4.0 allows one per TipoRelacion)", () => {
    const extra = `<cfdi:CfdiRelacionados TipoRelacion="07"><cfdi:CfdiRelacionado UUID="${UUID}"/>
      <cfdi:CfdiRelacionado UUID="b1b2c3d4-0000-4000-8000-00000000abcd"/></cfdi:CfdiRelacionados>`
    const xml = cfdi40().replace("<cfdi:Emisor", `${extra}<cfdi:Emisor`)
    const relations = readOk(xml).cfdiRelacionados.map((r) => [r.tipoRelacion, r.uuids.length])
    assert.deepStrictEqual(relations, [["04", 1], ["07", 2]])
  })

  it("tolerates the xmlns:schemaLocation defect of SAT downloads", () => {
    const complemento = `<tfd:TimbreFiscalDigital xmlns:tfd="${TFD}" xmlns:schemaLocation="${TFD} ${TFD}/v11.xsd"
      Version="1.1" UUID="${UUID}"/>`
    assert.strictEqual(readOk(cfdi40({ complemento })).timbre.uuid, UUID.toUpperCase())
  })

  it("refuses nesting deeper than the limit as Unsafe, naming the file", () => {
    const deep = `${"<x>".repeat(200)}${"</x>".repeat(200)}`
    const error = refusal(cfdi40({ extra: `<cfdi:Addenda>${deep}</cfdi:Addenda>` }), "Unsafe")
    assert.include(error.message, "in-test.xml: elements nested deeper than the limit of 64")
    assert.strictEqual(readCfdi(cfdi40({ extra: `<cfdi:Addenda>${deep}</cfdi:Addenda>` }), {
      path: "in-test.xml",
      maxDepth: 500
    })._tag, "Right")
  })

  it("keeps a refusal to one short line even when the parser quotes a hostile file at length", () => {
    const unclosed = `<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0">${"<a>".repeat(30_000)}`
    const read = readCfdi(unclosed, { path: "unclosed.xml" })
    if (Either.isRight(read)) return assert.fail("read an unclosed document")
    assert.isBelow(read.left.message.length, 400, read.left.message.slice(0, 200))
    assert.match(read.left.message, /^unclosed\.xml: .*\(\d+ characters\)$/)
  })

  it("never expands entities: a billion-laughs file is refused, an undeclared entity is not XML", () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>
      <lolz>&lol2;</lolz>`
    refusal(laughs, "Unsafe")
    assert.include(refusal(cfdi40({ nombre: "A &nbsp; B" }), "NotXml").message, "&nbsp;")
  })

  it("refuses malformed markup the parser could otherwise paper over", () => {
    refusal(cfdi40().replace(`Serie="A"`, `Serie="A" Serie="B"`), "NotXml")
    refusal(cfdi40().replace(`Serie="A"`, `Serie=A`), "NotXml")
    refusal(cfdi40().replace(`Serie="A" Folio`, `Serie="A"Folio`), "NotXml")
    refusal(cfdi40().replace("</cfdi:Conceptos>", "</cfdi:Concepto>"), "NotXml")
    refusal(`${cfdi40()}trailing text`, "NotXml")
    refusal(cfdi40().replace(`Nombre="ESCUELA`, `Nombre="<ESCUELA`), "NotXml")
  })
})
