// @bytemeter/core/instrument: wrappers, decorators and operation scopes that record into any UsageRecorder.

export { byteLengthOf, downloadBytesOf, uploadBytesOf } from './byte-length.js';
export { AmountInferenceError, type Wrapper, type WrapperKind, type WrapperOptions } from './make-wrapper.js';
export type { InstrumentErrorHandler } from './observe-call.js';
export { type OperationOptions, type OperationScope, startOperation } from './operation-scope.js';
export { trackOperation } from './track-operation.js';
export { trackApi, trackDownload, trackStorage, trackUpload } from './track-wrappers.js';
