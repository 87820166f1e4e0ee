// One set of formatters for every package, defined in @bytemeter/core.
export { formatAmount, formatBytes, formatCalls, formatCount, formatDollars, formatMbps } from '@bytemeter/core';
