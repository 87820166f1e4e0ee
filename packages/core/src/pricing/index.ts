// @bytemeter/core/pricing: the exact pricing engine. Decimal prices as integers, graduated tiers, billing
// months in IANA zones, storage byte-time from rollup sums, month-end forecasts, published templates and
// the S3/R2 call classes. Pure and dependency-free: the tracker, API, CLI and dashboard share it.

export { assertTimeZone } from '../time-zone.js';
export { API_CALL_CLASSES, ApiCallClass, GIB_BYTES, PRICED_RESOURCES, PricedResource } from '../vocabulary.js';
export {
  type BillingMonth,
  billingMonth,
  MAX_PRICED_INSTANT,
  MIN_PRICED_INSTANT,
  type MonthPiece,
  splitByMonth,
} from './billing-month.js';
export { integrateStorageEvents, type StorageBucket, type StorageDelta, storageByteMs } from './byte-time.js';
export { s3CallClass } from './call-class.js';
export {
  type BackendCostBreakdown,
  computeBackendCost,
  type MeteredResource,
  type ResourceCostLine,
  type UsageSource,
} from './cost.js';
export {
  formatPrice,
  MAX_PRICE_FRACTION_DIGITS,
  NANOS_PER_DOLLAR,
  NANOS_PER_MICRO,
  parsePrice,
} from './decimal-price.js';
export { DEFAULT_RATE_WINDOW_MS, type ForecastLine, forecastMonthEnd, type MonthEndForecast } from './forecast.js';
export {
  type CompiledPlan,
  compilePlan,
  MAX_TIERS,
  type PricePlan,
  type PricePlanInput,
  type PriceTier,
  type PriceTierInput,
  parsePricePlan,
  type ResourcePrice,
  type ResourcePriceInput,
} from './price-plan.js';
export { compare, type Rational, ratio, roundHalfAwayFromZero, toNumber } from './rational.js';
export { findPricePlanTemplate, PRICE_PLAN_TEMPLATES, type PricePlanTemplate } from './templates.js';
export { type CompiledTier, tierCost } from './tiers.js';
