// How a district's figures read at a glance. One home for the thresholds the colours use.
export const COVERAGE_ALERT_BELOW = 0.8;
// The city sends supervision orders to units whose volunteer activity rate is at or below 50%.
export const ACTIVITY_ALERT_AT_OR_BELOW = 0.5;

/** Share of open needs that are covered (0..1); the server's figure when it sends one. */
export function coverageOf(district) {
  if (typeof district.coverage === 'number') return district.coverage;
  const open = district.openNeeds ?? 0;
  if (open <= 0) return 1;
  return Math.max(0, 1 - (district.uncoveredNeeds ?? 0) / open);
}

/** 'critical' (red), 'warning' (amber) or 'ok' (green). activeVolunteerRate is a fraction 0..1. */
export function healthOf(district) {
  const uncovered = district.uncoveredNeeds ?? 0;
  const rate = district.activeVolunteerRate;
  const lowActivity = typeof rate === 'number' && rate <= ACTIVITY_ALERT_AT_OR_BELOW;
  if ((uncovered > 0 && coverageOf(district) < COVERAGE_ALERT_BELOW) || lowActivity) return 'critical';
  if (uncovered > 0) return 'warning';
  return 'ok';
}
