/**
 * @clara-recon/matcher: the pure, deterministic matcher of card transactions to CFDIs and extracted documents
 * (matching.md §7).
 */
export * from "./Assignment.js"
export * from "./Candidates.js"
export * from "./Clusters.js"
export * from "./ControlTotals.js"
export * from "./Evaluate.js"
export * from "./Exceptions.js"
export * from "./Explanation.js"
export * from "./Fx.js"
export * from "./Gates.js"
export * from "./Groups.js"
export * from "./Incremental.js"
export * from "./Matcher.js"
export * from "./MatcherConfig.js"
export * from "./NameTables.js"
export * from "./Normalisation.js"
export * from "./PostRules.js"
export * from "./Prepared.js"
export * from "./Scoring.js"
export * from "./Similarity.js"
export * from "./Synthetic.js"
