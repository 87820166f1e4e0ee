// Loads every domain's types and fields onto the builder, then builds the schema.
import { builder } from '../builder.js';
import './scalars.js';
import './enums.js';
import './usage-summary.js';
import './usage-events.js';
import './backends.js';
import './time-series.js';
import './export.js';
import './live-bandwidth.js';
import './pricing.js';
import './budgets.js';

export const schema = builder.toSchema({ sortSchema: false });
