/**
 * Versioned data tables for Mexican merchant-name normalisation and similarity (matching.md §7.2, §4.5).
 *
 * Tables are data, not code: change them here and bump `version`, which is part of the config hash, so every
 * explanation records which tables produced it. All entries are upper case, without accents.
 */

/** Versioned word lists used by `normaliseName` and the token weigher. */
export interface NameTables {
  /** Bumped on every change to any table below. */
  readonly version: string
  /** Card-rail processor prefixes, stripped when followed by `*` at the start of a descriptor (`STR*`, `SQ *`). */
  readonly processorPrefixes: ReadonlyArray<string>
  /** Tokens dropped anywhere: rail noise (`WWW`, `COM`, `MX`), processors without `*`, and bank words. */
  readonly noiseTokens: ReadonlyArray<string>
  /** Token pairs dropped anywhere (`AMZN MKTP`). */
  readonly noisePhrases: ReadonlyArray<ReadonlyArray<string>>
  /** Tokens that introduce a branch number (`SUC 12`): the token and a following number are dropped. */
  readonly branchMarkers: ReadonlyArray<string>
  /**
   * Legal forms as token sequences after dots are removed and single letters merged (`S.A. DE C.V.` -> `SA DE CV`).
   * Stripped at the end of a name (repeatedly); sequences of 3 or more tokens are stripped anywhere.
   */
  readonly legalForms: ReadonlyArray<ReadonlyArray<string>>
  /** Abbreviation -> expansion (`DISTRIB` -> `DISTRIBUIDORA`). */
  readonly abbreviations: Readonly<Record<string, string>>
  /** Stopwords dropped last. */
  readonly stopwords: ReadonlyArray<string>
  /** Generic business words: weight `genericWeight` in the similarity (a seeded stand-in for tenant IDF). */
  readonly genericWords: ReadonlyArray<string>
  /**
   * Product and rail words card descriptors append to a brand (`CLOUD`, `SUBSCR`, `IO`, `ONLINE`, `PAGO`): weight
   * `noiseWeight`, so an unmatched one barely lowers coverage. Kept (not dropped) because some brands contain them.
   */
  readonly noiseWords: ReadonlyArray<string>
  /** City and district names, and compass words (`NORTE`, `SUR`): weight `cityWeight`. */
  readonly cityNames: ReadonlyArray<string>
  /** MCC -> `ClaveProdServ` prefixes that corroborate each other (§7.4 corroboration, +1). */
  readonly mccProductPrefixes: Readonly<Record<string, ReadonlyArray<string>>>
}

/** The tables in force. */
export const nameTables: NameTables = {
  version: "mx-names-2026.2",
  processorPrefixes: ["STRIPE", "STR", "SQ", "MERPAGO", "MP", "CLIP", "PAYPAL", "OPENPAY", "DLO", "GOOGLE"],
  noiseTokens: [
    "WWW", "COM", "MX", "MEX", "MEXICO", "NET",
    "CONEKTA", "ZETTLE", "BILLPOCKET", "NETPAY", "SRPAGO",
    "COMPRA", "CARGO", "POS", "TPV", "TERMINAL", "AUT", "AUTORIZACION", "REF", "REFERENCIA", "TARJETA"
  ],
  noisePhrases: [["AMZN", "MKTP"]],
  branchMarkers: ["SUC", "SUCURSAL", "SUCS", "TDA", "TIENDA", "NO", "NUM"],
  legalForms: [
    ["SA", "DE", "CV", "SOFOM", "ENR"],
    ["SAPI", "DE", "CV", "SOFOM", "ENR"],
    ["S", "DE", "RL", "DE", "CV"],
    ["S", "EN", "C", "POR", "A"],
    ["S", "DE", "RL", "MI"],
    ["S", "DE", "RL", "CV"],
    ["SPR", "DE", "RL"],
    ["SPR", "DE", "RI"],
    ["SC", "DE", "RL"],
    ["SC", "DE", "CV"],
    ["SA", "DE", "CV"],
    ["SAPI", "DE", "CV"],
    ["SAB", "DE", "CV"],
    ["SAS", "DE", "CV"],
    ["SRL", "DE", "CV"],
    ["S", "DE", "RL"],
    ["S", "EN", "C"],
    ["S", "EN", "NC"],
    ["SOFOM", "ENR"],
    ["SOFOM", "ER"],
    ["SA", "CV"],
    ["SAPI", "CV"],
    ["SAB", "CV"],
    ["SRL", "CV"],
    ["DE", "CV"],
    ["SA"], ["SAPI"], ["SAB"], ["SAS"], ["SRL"], ["SC"], ["AC"], ["IAP"], ["SPR"], ["SCL"], ["SCP"], ["ABP"],
    ["SOFOM"], ["INC"], ["LLC"], ["LTD"], ["GMBH"], ["SL"]
  ],
  abbreviations: {
    DISTRIB: "DISTRIBUIDORA",
    DISTR: "DISTRIBUIDORA",
    GPO: "GRUPO",
    GO: "GRUPO",
    GASOL: "GASOLINERA",
    GASOLINERO: "GASOLINERA",
    GASOLINEROS: "GASOLINERA",
    GASOLINERAS: "GASOLINERA",
    CIA: "COMPANIA",
    SERV: "SERVICIOS",
    SERVS: "SERVICIOS",
    SERVICIO: "SERVICIOS",
    COMERC: "COMERCIAL",
    COML: "COMERCIAL",
    OPERAD: "OPERADORA",
    TELEF: "TELEFONOS",
    REST: "RESTAURANTE",
    RTE: "RESTAURANTE",
    RESTAURANTES: "RESTAURANTE",
    FARM: "FARMACIA",
    FCIA: "FARMACIA",
    FARMACIAS: "FARMACIA",
    TDA: "TIENDA",
    TDAS: "TIENDAS",
    ADMON: "ADMINISTRACION",
    INMOB: "INMOBILIARIA",
    AUTOSERV: "AUTOSERVICIO",
    SUPERM: "SUPERMERCADO",
    HNOS: "HERMANOS",
    INTL: "INTERNACIONAL",
    NAL: "NACIONAL",
    CORP: "CORPORATIVO",
    CONSTR: "CONSTRUCTORA",
    EST: "ESTACION",
    ESTAC: "ESTACIONAMIENTO",
    TAQ: "TAQUERIA",
    ABTS: "ABARROTES",
    ABTTS: "ABARROTES",
    ABARR: "ABARROTES",
    COMB: "COMBUSTIBLES",
    NTE: "NORTE",
    OTE: "ORIENTE",
    PTE: "PONIENTE",
    CTRO: "CENTRO",
    REG: "REGIONAL",
    AERO: "AEROLINEAS",
    CAPACIT: "CAPACITACION",
    CAPAC: "CAPACITACION",
    EMP: "EMPRESA",
    EMPS: "EMPRESAS",
    DEPTO: "DEPARTAMENTO",
    DEPTOS: "DEPARTAMENTOS",
    LAB: "LABORATORIO",
    LABS: "LABORATORIOS",
    FERR: "FERRETERIA",
    FERRET: "FERRETERIA",
    PAPEL: "PAPELERIA",
    REFACC: "REFACCIONES",
    REFAC: "REFACCIONES",
    TRANSP: "TRANSPORTES",
    SIST: "SISTEMAS",
    TELCO: "TELECOMUNICACIONES",
    HTL: "HOTEL",
    PROD: "PRODUCTOS",
    ALIM: "ALIMENTOS",
    MAT: "MATERIALES",
    INST: "INSTITUTO",
    UNIV: "UNIVERSIDAD",
    MTY: "MONTERREY",
    GDL: "GUADALAJARA",
    QRO: "QUERETARO",
    TIJ: "TIJUANA"
  },
  stopwords: ["DE", "DEL", "LA", "EL", "LOS", "LAS", "Y"],
  genericWords: [
    "GRUPO", "SERVICIOS", "COMERCIAL", "COMERCIALIZADORA", "DISTRIBUIDORA", "DISTRIBUIDORES", "OPERADORA",
    "ADMINISTRADORA", "ADMINISTRACION", "CADENA", "GASOLINERA", "ESTACION", "RESTAURANTE", "RESTAURANT", "FARMACIA",
    "TIENDA", "TIENDAS", "SUPER", "SUPERMERCADO", "SUPERCENTER", "MERCADO", "AUTOSERVICIO", "INMOBILIARIA",
    "CONSTRUCTORA", "COMPANIA", "CORPORATIVO", "CORPORACION", "EMPRESAS", "EMPRESA", "INDUSTRIAS", "INDUSTRIAL",
    "INTERNACIONAL", "NACIONAL", "NUEVA", "NUEVO", "HOTEL", "HOTELES", "CAFE", "BAR", "TECNOLOGIA", "TECNOLOGIAS",
    "TECHNOLOGIES", "TECHNOLOGY", "SOLUCIONES", "SISTEMAS", "SERVICES", "TELEFONOS", "TELECOMUNICACIONES",
    "HERMANOS", "ASOCIADOS", "CONSULTORES", "CONSULTORIA", "PROMOTORA", "IMPORTADORA", "EXPORTADORA", "ALIMENTOS",
    "BEBIDAS", "TRANSPORTES", "LOGISTICA", "GROUP", "STORE", "SHOP", "CENTRO", "PLAZA", "MEXICANA", "MEXICANO",
    "MEXICANAS", "AUTOMOTRIZ", "EDITORIAL", "PRODUCTOS", "PROVEEDORA", "ABARROTES", "VIVERES", "TAQUERIA",
    "CAFETERIA", "SUPERMERCADOS", "HOTELERA", "PLATAFORMA", "PLATAFORMAS", "DIGITALES", "SOFTWARE", "EMPRESARIAL",
    "EMPRESARIALES", "COWORK", "COWORKING", "DEPARTAMENTO", "DEPARTAMENTOS", "COMBUSTIBLES", "AEROLINEA",
    "AEROLINEAS", "CAPACITACION", "ESTACIONAMIENTO", "ESTACIONAMIENTOS", "LABORATORIO", "LABORATORIOS", "FERRETERIA",
    "PAPELERIA", "REFACCIONES", "MATERIALES", "INSTITUTO", "UNIVERSIDAD"
  ],
  noiseWords: [
    "CLOUD", "SUBSCR", "SUBSCRIPTION", "SUBSCRIPTIONS", "SUBS", "SUSCRIPCION", "SUSCRIP", "IO", "APP", "APPS",
    "ONLINE", "DIGITAL", "WEB", "PAGO", "PAGOS", "PAYMENT", "PAYMENTS", "SERVICES", "MEMBERSHIP", "MEMBRESIA",
    "SAAS", "BILLING", "PLAN", "MONTHLY", "MENSUAL", "ANUAL", "TRIP", "RIDE"
  ],
  cityNames: [
    "MONTERREY", "GUADALAJARA", "CDMX", "DF", "PUEBLA", "QUERETARO", "TIJUANA", "LEON", "CANCUN", "MERIDA", "TOLUCA",
    "JUAREZ", "CULIACAN", "HERMOSILLO", "CHIHUAHUA", "SALTILLO", "AGUASCALIENTES", "MORELIA", "VERACRUZ", "OAXACA",
    "ACAPULCO", "ZAPOPAN", "NAUCALPAN", "TLALNEPANTLA", "ECATEPEC", "COYOACAN", "TLALPAN", "CUAUHTEMOC", "POLANCO",
    "TORREON", "MEXICALI", "DURANGO", "TAMPICO", "REYNOSA", "MATAMOROS", "XALAPA", "VILLAHERMOSA", "TUXTLA",
    "PACHUCA", "CUERNAVACA", "CELAYA", "IRAPUATO", "ENSENADA", "MAZATLAN", "CABOS", "VALLARTA", "APODACA",
    "GUADALUPE", "ESCOBEDO", "SANTA", "FE", "INSURGENTES", "REFORMA", "ROMA", "CONDESA", "SATELITE", "ANGELOPOLIS",
    "NORTE", "SUR", "ORIENTE", "PONIENTE", "NORESTE", "NOROESTE", "SURESTE", "SUROESTE"
  ],
  mccProductPrefixes: {
    "5541": ["151015"],
    "5542": ["151015"],
    "5812": ["9010"],
    "5813": ["9010"],
    "5814": ["9010"],
    "7011": ["9011"],
    "4121": ["7811"],
    "4511": ["7811"]
  }
}
