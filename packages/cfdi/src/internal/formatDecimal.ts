import { formatFixed } from "@clara-recon/domain"
import type * as BigDecimal from "effect/BigDecimal"

/** Plain decimal text keeping the value's own scale: `1000.00` stays `1000.00`, never exponent notation. */
export const formatDecimal = (value: BigDecimal.BigDecimal): string => formatFixed(value, Math.max(0, value.scale))
