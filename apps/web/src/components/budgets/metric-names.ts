import type { Budget } from '@bytemeter/client';

/** How the dashboard names each metric. */
export const METRIC_LABEL: Record<Budget['metric'], string> = {
  COST: 'Computed cost',
  BANDWIDTH_UPLOAD: 'Upload',
  BANDWIDTH_DOWNLOAD: 'Download',
  API_CALLS: 'API calls',
  STORAGE_LEVEL: 'Storage level (quota)',
};

/** What the limit field takes for each metric. */
export const LIMIT_HINT: Record<Budget['metric'], string> = {
  COST: 'dollars, e.g. 200',
  BANDWIDTH_UPLOAD: 'bytes, e.g. 500GiB',
  BANDWIDTH_DOWNLOAD: 'bytes, e.g. 500GiB',
  API_CALLS: 'calls, e.g. 1000000',
  STORAGE_LEVEL: 'bytes, e.g. 2TiB',
};
