// The API's words and shapes as the dashboard reads them. The words are @bytemeter/core's lists in their
// GraphQL spelling (upper case); the shapes are the result types @bytemeter/client exports, so neither can
// drift from the schema.

import type { UsagePage, UsageSummary } from '@bytemeter/client';
import {
  BACKEND_TYPES as CORE_BACKEND_TYPES,
  PERIODS as CORE_PERIODS,
  PRICED_RESOURCES as CORE_PRICED_RESOURCES,
  RESOURCE_TYPES as CORE_RESOURCE_TYPES,
  type BackendType as CoreBackendType,
  type ExportFormat as CoreExportFormat,
  type Granularity as CoreGranularity,
  type HealthStatus as CoreHealthStatus,
  type Period as CorePeriod,
  type PricedResource as CorePricedResource,
  type ResourceType as CoreResourceType,
  type GraphQLName,
  toGraphQLEnum,
} from '@bytemeter/core';

export type {
  BackendStatus,
  CostReport,
  PricePlanTemplate,
  SeriesPoint,
  UsageEvent,
  UsageSummary,
} from '@bytemeter/client';

export type BackendType = GraphQLName<CoreBackendType>;
export type ResourceType = GraphQLName<CoreResourceType>;
export type Period = GraphQLName<CorePeriod>;
export type Granularity = GraphQLName<CoreGranularity>;
export type HealthStatus = GraphQLName<CoreHealthStatus>;
export type ExportFormat = GraphQLName<CoreExportFormat>;
export type PricedResource = GraphQLName<CorePricedResource>;

export const BACKEND_TYPES: readonly BackendType[] = CORE_BACKEND_TYPES.map(toGraphQLEnum);
export const RESOURCE_TYPES: readonly ResourceType[] = CORE_RESOURCE_TYPES.map(toGraphQLEnum);
export const PERIODS: readonly Period[] = CORE_PERIODS.map(toGraphQLEnum);
export const PRICED_RESOURCES: readonly PricedResource[] = CORE_PRICED_RESOURCES.map(toGraphQLEnum);

export type UsageTotals = UsageSummary['totals'];
export type UsageEventConnection = UsagePage;
