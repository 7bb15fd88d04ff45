import { api, ApiError } from '../api.js';
import { clear, h } from '../dom.js';
import { formatDateTime } from '../format.js';
import { onLangChange, t, tValue } from '../i18n.js';
import { districtName, itemName } from '../labels.js';
import { getState, subscribe, visibleDistrictIds } from '../store.js';
import { toast, toastError } from './toast.js';

const LIVE = new Set(['open', 'claimed']);

/**
 * The order board (菜单式服务派单看板) of one district: coordinators place one-off orders and watch them being
 * taken, released, completed or escalated, live from the hub's orderUpdated / orderEscalated events.
 */
export function initOrders() {
  const form = document.getElementById('orders-form');
  const districtSelect = form.elements.district;
  const itemSelect = form.elements.itemId;
  const body = document.getElementById('orders-body');
  const empty = document.getElementById('orders-empty');
  const count = document.getElementById('orders-count');
  const error = document.getElementById('orders-error');

  let districtId = '';
  let orders = new Map();
  let loads = 0;

  function fillDistricts() {
    const ids = visibleDistrictIds();
    clear(districtSelect);
    for (const id of ids) districtSelect.append(h('option', { value: id }, districtName(id)));
    if (!ids.includes(districtId)) {
      districtId = ids[0] ?? '';
      load();
    }
    districtSelect.value = districtId;
  }

  function fillItems() {
    const chosen = itemSelect.value;
    clear(itemSelect);
    for (const item of getState().catalogue.values()) itemSelect.append(h('option', { value: item.itemId }, itemName(item)));
    if (chosen) itemSelect.value = chosen;
  }

  async function load() {
    const current = ++loads;
    orders = new Map();
    render();
    if (!districtId || !getState().user) return;
    try {
      const list = await api.orders(districtId);
      if (current !== loads) return;
      orders = new Map((list ?? []).map((o) => [o.orderId, o]));
      render();
    } catch (failure) {
      if (current === loads) toastError(failure);
    }
  }

  function statusCell(order) {
    return h(
      'td',
      {},
      h(`span.order-status.order-status-${order.status}`, { 'data-field': 'status', 'data-value': order.status }, tValue('orderStatus', order.status)),
      order.escalated ? h('span.order-escalated', { 'data-testid': 'order-escalated' }, ' ', t('orders.escalated')) : null,
    );
  }

  function row(order) {
    const cancel = LIVE.has(order.status)
      ? h('button.btn.btn-quiet.btn-small', { type: 'button', 'data-testid': 'order-cancel', onclick: () => cancelOrder(order) }, t('orders.cancel'))
      : null;
    return h(
      'tr',
      { 'data-testid': 'order-row', 'data-order-id': order.orderId, 'data-status': order.status },
      h('td', {}, formatDateTime(order.windowStart), ' – ', formatDateTime(order.windowEnd)),
      h('td', {}, h('code', {}, order.householdId)),
      h('td', {}, itemName(order)),
      statusCell(order),
      h('td', {}, order.volunteerId ? h('code', { 'data-field': 'volunteer' }, order.volunteerId) : t('common.none')),
      h('td', {}, cancel),
    );
  }

  function render() {
    const list = [...orders.values()].sort(
      (a, b) => Number(LIVE.has(b.status)) - Number(LIVE.has(a.status)) || String(a.windowStart).localeCompare(String(b.windowStart)),
    );
    clear(body);
    for (const order of list) body.append(row(order));
    const live = list.filter((o) => LIVE.has(o.status)).length;
    count.textContent = String(live);
    count.dataset.value = String(live);
    empty.hidden = list.length > 0;
  }

  async function cancelOrder(order) {
    try {
      const updated = await api.cancelOrder(order.orderId);
      orders.set(updated.orderId, updated);
      render();
    } catch (failure) {
      toastError(failure);
    }
  }

  function showErrors(failure) {
    const errors = failure instanceof ApiError ? failure.problem?.errors : null;
    if (!errors) {
      error.hidden = true;
      toastError(failure);
      return;
    }
    error.textContent = Object.entries(errors).map(([field, messages]) => `${field}: ${messages.join(' ')}`).join('；');
    error.hidden = false;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const when = (name) => (data.get(name) ? new Date(String(data.get(name))).toISOString() : null);
    try {
      const order = await api.createOrder({
        householdId: String(data.get('householdId') ?? '').trim() || null,
        itemId: data.get('itemId') || null,
        windowStart: when('windowStart'),
        windowEnd: when('windowEnd'),
        notes: String(data.get('notes') ?? '').trim() || null,
      });
      error.hidden = true;
      if (order.districtId === districtId) orders.set(order.orderId, order);
      render();
      toast(t('orders.placed', { order: order.orderId }));
      form.elements.householdId.value = '';
      form.elements.notes.value = '';
    } catch (failure) {
      showErrors(failure);
    }
  });

  districtSelect.addEventListener('change', () => {
    districtId = districtSelect.value;
    load();
  });

  subscribe('districts', fillDistricts);
  subscribe('catalogue', fillItems);
  subscribe('user', () => {
    if (!getState().user) {
      districtId = '';
      orders = new Map();
      render();
    }
  });
  onLangChange(() => {
    fillDistricts();
    fillItems();
    render();
  });

  return {
    /** A hub event of the order board; events of other districts are not this board's. */
    onEvent(name, event) {
      if (event.districtId !== districtId) return;
      const known = orders.get(event.orderId);
      if (name === 'orderEscalated') {
        if (known) orders.set(event.orderId, { ...known, escalated: true });
        toast(t('orders.escalatedToast', { order: event.orderId, district: districtName(event.districtId) }), 'error');
      } else {
        const escalated = event.status === 'open' && event.escalatesAt && new Date(event.escalatesAt) <= new Date();
        orders.set(event.orderId, { ...(known ?? {}), ...event, escalated: Boolean(escalated) });
      }
      render();
    },
    refresh: load,
  };
}
