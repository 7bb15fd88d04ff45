// The day's work starts here: a household survey (入户调查) and registering a volunteer, beside the figures.
import { h } from '../dom.js';
import { onLangChange, t } from '../i18n.js';

export function initWorkspaceBar({ onSurvey, onVolunteer }) {
  const bar = h('div.workspace-bar', { 'data-testid': 'workspace-bar' });
  document.querySelector('.overview .section-head').append(bar);

  function render() {
    bar.replaceChildren(
      h('button.btn.btn-primary.btn-small', { type: 'button', 'data-testid': 'open-survey', onclick: onSurvey }, t('workspace.newSurvey')),
      h('button.btn.btn-secondary.btn-small', { type: 'button', 'data-testid': 'open-volunteer-form', onclick: onVolunteer }, t('workspace.newVolunteer')),
    );
  }

  onLangChange(render);
  render();
}
