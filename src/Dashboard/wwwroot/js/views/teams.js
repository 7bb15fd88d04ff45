// 服务队: a district's teams as a list and as the regional × professional matrix (the "1+10+18" shape: one district
// team, professional sub-teams, street sub-teams), with membership, the leader and new teams.
import { teamsApi } from '../api.js';
import { h } from '../dom.js';
import { field, formError, input, newId, problemErrors, Rules, select, showErrors } from '../forms.js';
import { formValues } from '../form-values.js';
import { formatHours, formatNumber } from '../format.js';
import { t, tValue } from '../i18n.js';
import { toast, toastError } from './toast.js';

/** The root (no parent), the professional teams and the regional teams under it. */
export function teamShape(teams) {
  const roots = teams.filter((team) => !team.parentTeamId);
  const professional = teams.filter((team) => team.parentTeamId && team.kind === 'professional');
  const regional = teams.filter((team) => team.parentTeamId && team.kind === 'regional');
  return { roots, professional, regional };
}

function matrix(teams) {
  const { professional, regional } = teamShape(teams);
  if (!professional.length || !regional.length) return h('p.muted.small', {}, t('teams.matrixEmpty'));
  return h(
    'div.table-wrap',
    {},
    h(
      'table.table.team-matrix',
      { 'data-testid': 'team-matrix' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('teams.matrixCorner')), professional.map((p) => h('th.num', { scope: 'col' }, p.name)))),
      h(
        'tbody',
        {},
        regional.map((r) => {
          const members = new Set(r.members.map((m) => m.volunteerId));
          return h(
            'tr',
            {},
            h('th', { scope: 'row' }, r.name),
            professional.map((p) => {
              const both = p.members.filter((m) => members.has(m.volunteerId)).length;
              return h('td.num', { 'data-both': both }, both ? formatNumber(both) : '·');
            }),
          );
        }),
      ),
    ),
  );
}

function teamCard(team, volunteers, reload) {
  const inTeam = new Set(team.members.map((m) => m.volunteerId));
  const candidates = volunteers.filter((v) => !inTeam.has(v.volunteerId) && v.status !== 'left');
  const pick = select(candidates.map((v) => [v.volunteerId, `${v.name} · ${v.volunteerId}`]), candidates[0]?.volunteerId, { 'aria-label': t('teams.addMember'), 'data-testid': 'team-member-pick' });
  const leader = input({ value: team.leaderId, 'aria-label': t('teams.leader'), 'data-testid': 'team-leader' });
  const error = h('span.field-error', { role: 'alert', hidden: true });
  const fail = (failure) => {
    error.textContent = Object.values(failure.problem?.errors ?? {}).flat().join(' ') || failure.title || failure.message;
    error.hidden = false;
  };
  return h(
    'li.team-card',
    { 'data-testid': 'team', 'data-team-id': team.teamId },
    h(
      'div.team-head',
      {},
      h('strong', {}, team.name),
      h('span.chip', {}, tValue('teams.kind', team.kind)),
      team.specialty ? h('span.chip', {}, team.specialty) : null,
      h('span.muted.small', {}, t('teams.hours', { certified: formatHours(team.certifiedHours), count: formatNumber(team.members.length) })),
    ),
    h(
      'div.chips',
      {},
      team.members.map((m) =>
        h(
          'span.chip.member-chip',
          { 'data-volunteer-id': m.volunteerId },
          m.name || m.volunteerId,
          h('button.chip-remove', {
            type: 'button',
            'aria-label': t('teams.removeMember', { name: m.name || m.volunteerId }),
            'data-testid': 'team-member-remove',
            onclick: async () => {
              try {
                await teamsApi.removeMember(team.teamId, m.volunteerId);
                reload();
              } catch (failure) {
                fail(failure);
              }
            },
          }, '×'),
        ),
      ),
    ),
    h(
      'div.slot-form',
      {},
      pick,
      h('button.btn.btn-secondary.btn-small', {
        type: 'button',
        disabled: candidates.length === 0,
        'data-testid': 'team-member-add',
        onclick: async () => {
          try {
            await teamsApi.addMember(team.teamId, pick.value);
            reload();
          } catch (failure) {
            fail(failure);
          }
        },
      }, t('teams.addMember')),
      leader,
      h('button.btn.btn-quiet.btn-small', {
        type: 'button',
        'data-testid': 'team-leader-save',
        onclick: async () => {
          const rules = new Rules();
          rules.id('leaderId', leader.value);
          if (!rules.valid) return fail({ problem: { errors: rules.errors } });
          try {
            await teamsApi.put(team.teamId, { name: team.name, districtId: team.districtId, leaderId: leader.value, kind: team.kind, specialty: team.specialty, parentTeamId: team.parentTeamId });
            toast(t('teams.leaderSaved', { team: team.name }), 'success');
            reload();
          } catch (failure) {
            fail(failure);
          }
        },
      }, t('teams.saveLeader')),
      error,
    ),
  );
}

function newTeamForm(districtId, teams, user, reload) {
  const form = h(
    'form.form.form-inline',
    { 'data-testid': 'team-form', novalidate: true },
    field('teamId', t('teams.id'), input({ value: newId('t', districtId) })),
    field('name', t('teams.name'), input({ 'data-testid': 'team-name' })),
    field('kind', t('teams.kindLabel'), select(['regional', 'professional'].map((k) => [k, tValue('teams.kind', k)]), 'regional')),
    field('specialty', t('teams.specialty'), input({})),
    field('parentTeamId', t('teams.parent'), select([['', t('teams.noParent')], ...teams.map((team) => [team.teamId, team.name])], teams.find((team) => !team.parentTeamId)?.teamId ?? '')),
    field('leaderId', t('teams.leader'), input({ value: user?.sub ?? '' })),
    formError(),
    h('div.form-actions', {}, h('button.btn.btn-primary.btn-small', { type: 'submit', 'data-testid': 'team-create' }, t('teams.create'))),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = formValues(form);
    const teamId = value.text('teamId');
    const body = { name: value.text('name'), districtId, leaderId: value.text('leaderId'), kind: value.text('kind'), specialty: value.optional('specialty'), parentTeamId: value.optional('parentTeamId') };
    const rules = new Rules();
    rules.id('teamId', teamId);
    rules.text('name', body.name, 60);
    rules.id('leaderId', body.leaderId);
    rules.text('specialty', body.specialty, 40, false);
    if (!rules.valid) {
      showErrors(form, rules.errors);
      return;
    }
    try {
      await teamsApi.put(teamId, body);
      toast(t('teams.created', { team: body.name }), 'success');
      reload();
    } catch (error) {
      showErrors(form, problemErrors(error));
      if (!error?.problem?.errors) toastError(error);
    }
  });
  return form;
}

/** Renders the teams tab of a district's drill-down into panel. */
export function renderTeams(panel, { districtId, teams, volunteers, user, reload }) {
  const shape = teamShape(teams);
  panel.append(
    h('p', { 'data-testid': 'team-shape' }, t('teams.shape', { roots: shape.roots.length, professional: shape.professional.length, regional: shape.regional.length })),
    h('h3.form-section', {}, t('teams.matrix')),
    matrix(teams),
    h('h3.form-section', {}, t('teams.list')),
    teams.length
      ? h('ul.team-list', {}, teams.map((team) => teamCard({ ...team, districtId }, volunteers ?? [], reload)))
      : h('p.empty', {}, t('teams.none')),
    h('h3.form-section', {}, t('teams.new')),
    newTeamForm(districtId, teams, user, reload),
  );
}
