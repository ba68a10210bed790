/** @clara-recon/erp-netsuite: the NetSuite REST adapter (erp.md §1, §5). */
export {}
