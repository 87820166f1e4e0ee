import type { PricedResource } from '@/lib/types';

/** How the Cost page names and colours each priced resource (a CSS custom property, for dark mode). */
export const RESOURCE_STYLE: Record<PricedResource, { label: string; color: string }> = {
  UPLOAD: { label: 'Upload', color: '--up' },
  DOWNLOAD: { label: 'Download', color: '--down' },
  STORAGE: { label: 'Storage', color: '--stored' },
  API_CALLS_CLASS_A: { label: 'Class A calls', color: '--calls' },
  API_CALLS_CLASS_B: { label: 'Class B calls', color: '--s5' },
  API_CALLS_UNCLASSIFIED: { label: 'Other calls', color: '--s6' },
  MONTHLY_FEE: { label: 'Monthly fee', color: '--cost' },
};
