// The error classes and their closed code union are @bytemeter/core's, shared with the client and the API.
export {
  BackendTypeConflictError,
  BytemeterError,
  type BytemeterErrorCode,
  StorageLevelError,
  TrackerClosedError,
  ValidationError,
} from '@bytemeter/core';
