// The package's public face: build the API in-process or serve it.

export type { AuthInfo } from './auth/authenticate.js';
export type { ApiContext } from './context.js';
export { type Api, type ApiOptions, createApi } from './create-api.js';
export type { ApiErrorCode } from './errors.js';
export { EXPORT_INLINE_CAP } from './export-file.js';
export { DEFAULT_LIMITS, type QueryLimits } from './limits/query-limits.js';
export { schema } from './schema/index.js';
export { type RunningApi, startApiServer } from './server.js';
export { type ApiSettings, isLoopback, readSettings } from './settings.js';
