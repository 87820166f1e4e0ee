// `@bytemeter/api/testing`: the API as a real process, and a database for replicas of it, for other packages' tests.
export { createPostgresDatabase } from './postgres-database.js';
export { type ApiProcess, startApiProcess } from './start-api-process.js';
