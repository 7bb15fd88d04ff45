// The day's work starts here: a household survey (入户调查) and registering a volunteer, beside the figures.
import { h } from '../dom.js';
import { onLangChange, t } from '../i18n.js';

export function initWorkspaceBar({ onSurvey, onVolunteer }) {
  // The bar also holds the search form (search.js): the buttons have a box of their own.
  const buttons = h('span.workspace-buttons');
  const bar = h('div.workspace-bar', { 'data-testid': 'workspace-bar' }, buttons);
  document.querySelector('.overview .section-head').append(bar);

  function render() {
    buttons.replaceChildren(
      h('button.btn.btn-primary.btn-small', { type: 'button', 'data-testid': 'open-survey', onclick: onSurvey }, t('workspace.newSurvey')),
      h('button.btn.btn-secondary.btn-small', { type: 'button', 'data-testid': 'open-volunteer-form', onclick: onVolunteer }, t('workspace.newVolunteer')),
    );
  }

  onLangChange(render);
  render();
}
