import { api, searchApi } from '../api.js';
import { clear, h } from '../dom.js';
import { formatAge, formatPercent } from '../format.js';
import { isEnglish, onLangChange, t, tValue } from '../i18n.js';
import { districtName, itemName } from '../labels.js';
import { getState, removeNeed, subscribe } from '../store.js';
import { toast, toastError } from './toast.js';

/** The ranked volunteers for one uncovered need, each factor explained, with one-click pairing. */
export function initSuggestions() {
  const dialog = document.getElementById('suggestions-dialog');
  const context = document.getElementById('suggestions-context');
  const body = document.getElementById('suggestions-body');

  let current = null; // { need, suggestions, loading, covered, busy }

  function renderContext() {
    const { need } = current;
    context.textContent = `${t('suggest.context', {
      item: itemName(need),
      household: need.householdId,
      district: districtName(need.districtId),
    })} · ${formatAge(need.since)}`;
  }

  function factorRow(name, factor) {
    const score = typeof factor?.score === 'number' ? factor.score : null;
    const explanation = (isEnglish() ? factor?.en : factor?.zhCn) ?? factor?.zhCn ?? factor?.en ?? '';
    return h(
      'li.factor',
      { 'data-factor': name },
      h('span.factor-name', {}, tValue('factor', name)),
      h('span.bar', { 'aria-hidden': 'true' }, h('span.bar-fill', { style: `width:${Math.round(Math.max(0, Math.min(1, score ?? 0)) * 100)}%` })),
      h('span.factor-score', {}, score === null ? t('common.none') : formatPercent(score)),
      typeof factor?.weight === 'number' ? h('span.factor-weight', {}, t('suggest.weight', { weight: formatPercent(factor.weight) })) : null,
      explanation ? h('p.factor-text', {}, explanation) : null,
    );
  }

  function suggestionItem(suggestion, index) {
    const accept = h(
      'button.btn.btn-primary.btn-small',
      {
        type: 'button',
        'data-testid': 'accept-suggestion',
        'aria-label': t('suggest.acceptLabel', { volunteer: suggestion.maskedName || suggestion.volunteerId }),
        disabled: current.covered || current.busy,
        onclick: () => acceptSuggestion(suggestion),
      },
      t('suggest.accept'),
    );
    return h(
      'li.suggestion',
      { 'data-testid': 'suggestion', 'data-volunteer-id': suggestion.volunteerId },
      h(
        'div.suggestion-head',
        {},
        h('span.rank', { 'aria-label': t('suggest.rank', { rank: index + 1 }) }, String(index + 1)),
        suggestion.maskedName ? h('strong.suggestion-name', {}, suggestion.maskedName) : null,
        h('code.suggestion-volunteer', {}, suggestion.volunteerId),
        // The score is 0..100 points.
        h('span.suggestion-score', {}, h('span.muted', {}, t('suggest.score')), ' ', h('strong', { 'data-field': 'score', 'data-value': suggestion.score }, formatPercent(suggestion.score / 100))),
        accept,
      ),
      h('ul.factors', {}, Object.entries(suggestion.factors ?? {}).map(([name, factor]) => factorRow(name, factor))),
    );
  }

  function render() {
    if (!current) return;
    renderContext();
    clear(body);
    if (current.covered) body.append(h('p.notice.notice-ok', { role: 'status' }, t('suggest.covered')));
    if (current.loading) {
      body.append(h('p.muted', { role: 'status' }, t('suggest.loading')));
      return;
    }
    if (!current.suggestions?.length) body.append(h('p.empty', {}, t('suggest.empty')));
    else body.append(h('ol.suggestions', {}, current.suggestions.map(suggestionItem)));
    const excluded = excludedSection();
    if (excluded) body.append(excluded);
    body.append(searchSection());
  }

  /** Who the ranking leaves out for lack of a valid training the item requires (培训准入), and which training each lacks. */
  function excludedSection() {
    const answer = current.excluded;
    if (!answer || answer.count === 0) return null;
    const trainingName = (id) => {
      const kind = answer.requiredTrainings.find((k) => k.trainingId === id);
      return kind ? (isEnglish() ? kind.nameEn : kind.name) : id;
    };
    const trainings = answer.requiredTrainings.map((k) => trainingName(k.trainingId)).join(t('suggest.excludedSeparator'));
    const details = h(
      'details.excluded',
      { 'data-testid': 'suggest-excluded', 'data-count': answer.count, open: Boolean(current.excludedOpen) },
      h('summary', { 'data-testid': 'suggest-excluded-summary' }, t(answer.more ? 'suggest.excludedMore' : 'suggest.excluded', { count: answer.count, training: trainings })),
      h(
        'ul.plain-list',
        {},
        answer.excluded.map((v) =>
          h(
            'li',
            { 'data-testid': 'suggest-excluded-volunteer', 'data-volunteer-id': v.volunteerId },
            h('strong', {}, v.maskedName || v.volunteerId),
            ' ',
            h('code', {}, v.volunteerId),
            ' · ',
            v.missing
              .map((m) => (m.expiredOn ? t('suggest.excludedExpired', { training: trainingName(m.trainingId), date: m.expiredOn }) : t('suggest.excludedMissing', { training: trainingName(m.trainingId) })))
              .join(t('suggest.excludedSeparator')),
          ),
        ),
      ),
    );
    // Kept open across renders (a language switch, the ranking arriving).
    details.addEventListener('toggle', () => {
      if (current) current.excludedOpen = details.open;
    });
    return details;
  }

  /** Pair from a search: any volunteer of the need's district by name or phone tail, when the ranking is not enough. */
  function searchSection() {
    const box = h('input', { type: 'search', 'aria-label': t('suggest.searchLabel'), placeholder: t('suggest.searchLabel'), value: current.query ?? '', 'data-testid': 'suggest-search' });
    const form = h(
      'form.slot-form',
      {
        novalidate: true,
        onsubmit: async (event) => {
          event.preventDefault();
          const asked = current;
          asked.query = box.value.trim();
          if (!asked.query) return;
          try {
            const found = await searchApi(asked.query, asked.need.districtId);
            if (current !== asked) return;
            asked.found = found.volunteers;
          } catch (error) {
            toastError(error);
          }
          render();
        },
      },
      box,
      h('button.btn.btn-quiet.btn-small', { type: 'submit' }, t('search.submit')),
    );
    const found = current.found;
    return h(
      'div.suggest-search',
      {},
      h('h3.form-section', {}, t('suggest.searchTitle')),
      form,
      found === undefined
        ? null
        : found.length === 0
          ? h('p.empty', {}, t('search.none'))
          : h(
              'ul.plain-list',
              {},
              found.map((hit) =>
                h(
                  'li',
                  { 'data-testid': 'suggest-search-hit', 'data-volunteer-id': hit.volunteerId },
                  `${hit.name} · ${hit.phone} · ${tValue('volunteer.status', hit.status)} `,
                  h('button.btn.btn-primary.btn-small', { type: 'button', disabled: current.covered || current.busy || hit.status !== 'active', onclick: () => acceptSuggestion({ volunteerId: hit.volunteerId, maskedName: hit.name }) }, t('suggest.accept')),
                ),
              ),
            ),
    );
  }

  async function acceptSuggestion(suggestion) {
    const { need } = current;
    current.busy = true;
    render();
    try {
      await api.createPairing({ volunteerId: suggestion.volunteerId, householdId: need.householdId, needId: need.needId });
      removeNeed(need.needId);
      toast(t('suggest.accepted', { volunteer: suggestion.maskedName || suggestion.volunteerId }), 'success');
      dialog.close();
    } catch (error) {
      toastError(error);
      if (current) {
        current.busy = false;
        render();
      }
    }
  }

  /** `known`: the need as the caller holds it, for a need the live list has not heard of yet (just recorded). */
  async function open(needId, known) {
    const need = getState().uncovered.get(needId) ?? known;
    if (!need) return;
    // Suggestions the district prepared unasked show at once; the full ranking replaces them when it arrives.
    // seen: the need is on the live list, so leaving it means covered (a just-recorded need may not be there yet).
    current = { need, suggestions: need.suggestions ?? null, loading: !need.suggestions?.length, covered: false, busy: false, seen: getState().uncovered.has(needId) };
    render();
    if (!dialog.open) dialog.showModal();
    const asked = current;
    // Beside the ranking, not in it: the pinned suggestions stay a plain array, and this view says who is missing and why.
    api.suggestionsExcluded(needId).then(
      (excluded) => {
        if (current !== asked) return;
        current.excluded = excluded;
        if (!current.loading) render();
      },
      (error) => {
        if (current === asked) toastError(error);
      },
    );
    try {
      const suggestions = await api.suggestions(needId);
      if (current !== asked) return;
      current.suggestions = suggestions ?? [];
    } catch (error) {
      if (current !== asked) return;
      toastError(error);
      current.suggestions = [];
    }
    current.loading = false;
    render();
  }

  dialog.addEventListener('close', () => {
    current = null;
    clear(body);
  });
  dialog.querySelector('[data-close]').addEventListener('click', () => dialog.close());
  // A click on the backdrop lands on the dialog element itself.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });

  subscribe('uncovered', (state) => {
    if (!current || current.covered || current.busy) return;
    if (state.uncovered.has(current.need.needId)) {
      current.seen = true;
    } else if (current.seen) {
      current.covered = true;
      render();
    }
  });
  onLangChange(render);

  return { open };
}
