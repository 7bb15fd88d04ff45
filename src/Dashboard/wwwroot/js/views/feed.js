import { coalesce, h, keyedList, setText } from '../dom.js';
import { formatHours, formatTime } from '../format.js';
import { onLangChange, t } from '../i18n.js';
import { districtName } from '../labels.js';
import { getState, subscribe } from '../store.js';

// Ids only: the feed is on a shared screen, so it never shows people's names.
export function initFeed() {
  const list = document.getElementById('feed');
  const empty = document.getElementById('feed-empty');

  function create(entry) {
    return h(
      'li.feed-item.fresh',
      { 'data-testid': 'feed-item', 'data-visit-id': entry.visitId, 'data-kind': entry.kind },
      h(`span.feed-kind.kind-${entry.kind}`),
      h(
        'div.feed-main',
        {},
        h('div.feed-line', {}, h('strong.feed-district'), h('time.feed-time', { datetime: entry.at })),
        h(
          'div.feed-line.feed-ids',
          {},
          h('span.feed-volunteer', {}, h('span.feed-label'), ' ', h('code', { 'data-field': 'volunteerId' }, entry.volunteerId)),
          h('span.feed-household', {}, h('span.feed-label'), ' ', h('code', { 'data-field': 'householdId' }, entry.householdId)),
          entry.kind === 'checkOut' ? h('span.feed-hours', { 'data-field': 'hours', 'data-value': entry.hours }) : null,
        ),
      ),
    );
  }

  function update(element, entry) {
    setText(element.querySelector('.feed-kind'), t(entry.kind === 'checkOut' ? 'feed.checkedOut' : 'feed.checkedIn'));
    setText(element.querySelector('.feed-district'), districtName(entry.districtId));
    setText(element.querySelector('.feed-time'), formatTime(entry.at));
    setText(element.querySelector('.feed-volunteer .feed-label'), t('feed.volunteer'));
    setText(element.querySelector('.feed-household .feed-label'), t('feed.household'));
    const hours = element.querySelector('.feed-hours');
    if (hours) setText(hours, t('feed.hours', { hours: formatHours(entry.hours) }));
  }

  function render() {
    const { feed } = getState();
    keyedList(list, feed, (entry) => `${entry.kind}:${entry.visitId}`, create, update);
    empty.hidden = feed.length > 0;
  }

  const schedule = coalesce(render);
  subscribe('feed', schedule);
  subscribe('districts', schedule);
  onLangChange(render);
  render();
}
