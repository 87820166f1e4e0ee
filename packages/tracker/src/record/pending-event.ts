import type { CheckedEvent } from '@bytemeter/core';

/**
 * A validated event waiting in memory for the next flush: core's checked event plus the tracker's storage
 * code. For a level report, `amount` is the absolute level; the stored amount becomes the change it implies.
 */
export interface PendingEvent extends CheckedEvent {
  /** RESOURCE_CODE of the resource type. */
  resource: number;
  isLevelReport: boolean;
}
