// Kept so `@bytemeter/tracker/fetch` imports keep working: the adapter is @bytemeter/core's; loading it from here
// also registers this package's local tracker as the default recorder.
import '../default-tracker.js';

export * from '@bytemeter/core/fetch';
