// The live hub's events the page consumes and the payload fields it reads: one home. live.js subscribes to exactly
// these names and store.js copies districtSummary's fields from here. A test (LiveEventContractTests) compares this
// object with the C# event records, so a renamed or dropped field fails the build's tests, not a user's screen.
export const LIVE_EVENTS = {
  visitCheckedIn: ['districtId', 'visitId', 'volunteerId', 'householdId', 'at'],
  visitCheckedOut: ['districtId', 'visitId', 'volunteerId', 'householdId', 'at', 'hours'],
  needUncovered: ['districtId', 'needId', 'householdId', 'reason', 'since', 'itemId', 'category'],
  needCovered: ['districtId', 'needId', 'householdId', 'at'],
  districtSummary: ['districtId', 'households', 'openNeeds', 'uncoveredNeeds', 'activeVisits', 'checkInsToday', 'activeVolunteerRate', 'dueToday', 'lateToday', 'coverage'],
  visitLate: ['districtId', 'needId', 'householdId', 'volunteerId', 'slotStart', 'since'],
  suggestionsReady: ['districtId', 'needId', 'householdId', 'reason', 'suggestions'],
  orderUpdated: ['districtId', 'orderId', 'householdId', 'itemId', 'status', 'volunteerId', 'windowStart', 'windowEnd', 'escalatesAt', 'at'],
  orderEscalated: ['districtId', 'orderId', 'householdId', 'itemId', 'since'],
  visitAttention: ['districtId', 'visitId', 'volunteerId', 'householdId', 'observations', 'at'],
  pendingChanged: ['districtId', 'pending'],
};

/** The figures of a district that a districtSummary event carries (everything but its id). */
export const SUMMARY_FIELDS = LIVE_EVENTS.districtSummary.filter((field) => field !== 'districtId');

/** Household risk levels as the API words them (高风险 / 重点 / 一般), most urgent first. */
export const RISK_LEVELS = ['high', 'key', 'general'];
