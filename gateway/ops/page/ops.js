/* global document, localStorage, location, requestAnimationFrame, CSS */
// The ops page's script (served as is by the gateway, no build step): reads GET /ops/snapshot
// with the admin token kept in localStorage every REFRESH_MS and draws each service's topology,
// the instances with their tasks and lags; follows an order's transitions from
// GET /orders/:id/events (server-sent events read through fetch, which can send the token).

const TOKEN_KEY = 'kst-ops-token';
const REFRESH_MS = 2_000;
const FINAL = new Set(['COMPLETED', 'REJECTED', 'PAYMENT_FAILED', 'CANCELLED', 'EXPIRED']);
const FAILED = new Set(['REJECTED', 'PAYMENT_FAILED', 'CANCELLED', 'EXPIRED']);

const $ = (selector) => document.querySelector(selector);
const token = () => localStorage.getItem(TOKEN_KEY) ?? '';
const headers = () => ({ authorization: `Bearer ${token()}` });
const clock = (ms) => new Date(ms).toISOString().slice(11, 23);

/** An element with attributes (`class`, `data-*`, `title`, ...) and children (strings or nodes). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) node.setAttribute(name, String(value));
  node.append(...children.filter((child) => child !== undefined && child !== null));
  return node;
}

function setStatus(text, error = false) {
  const status = $('#status');
  status.textContent = text;
  status.classList.toggle('error', error);
}

// ---- instances: task assignment and lag -------------------------------------------------

const serviceName = (applicationId) => applicationId.replace(/^.*ecommerce-/, '') || applicationId;

function tasksCell(tasks, standby) {
  const cell = el('td', { class: standby ? 'tasks standby' : 'tasks' });
  if (tasks.length === 0) cell.append('–');
  for (const task of tasks) cell.append(el('span', { title: task.topicPartitions.map((tp) => `${tp.topic}-${tp.partition}`).join('\n') }, task.taskId));
  return cell;
}

/** Each input partition the instance owns: committed offset, end, lag. */
function partitionLags(service, instance) {
  const own = service.partitions.filter((p) => p.owner === instance.endpoint);
  return own.map((p) => `${p.topic}-${p.partition}: ${p.committed ?? 'no commit'} of ${p.end} (lag ${p.lag})`).join('\n') || undefined;
}

function instanceRow(service, instance) {
  const active = instance.threads.flatMap((t) => t.activeTasks);
  const standby = instance.threads.flatMap((t) => t.standbyTasks);
  const storeLag = instance.storeLags.reduce((sum, lag) => sum + lag.offsetLag, 0);
  const inputLag = instance.consumerLag;
  return el('tr', { 'data-service': service.applicationId, 'data-endpoint': instance.endpoint, 'data-state': instance.state },
    el('td', {}, serviceName(service.applicationId)),
    el('td', { title: instance.processId || undefined }, instance.endpoint),
    el('td', { class: `state-${instance.state}`, title: instance.error }, instance.state),
    el('td', { title: instance.threads.map((t) => `${t.name}: ${t.state}`).join('\n') || undefined }, String(instance.threads.length)),
    tasksCell(active, false),
    tasksCell(standby, true),
    el('td', { class: `num lag${inputLag !== null && inputLag > 1_000 ? ' lag-high' : ''}`, 'data-lag': inputLag ?? '', title: service.lagError ?? partitionLags(service, instance) }, inputLag === null ? '–' : String(inputLag)),
    el('td', { class: 'num', title: instance.storeLags.map((l) => `${l.store}-${l.partition}: ${l.currentOffset}/${l.endOffset}`).join('\n') || undefined }, instance.reachable ? String(storeLag) : '–'),
  );
}

function renderInstances(snapshot) {
  const rows = snapshot.services.flatMap((service) => service.instances.map((instance) => instanceRow(service, instance)));
  $('#instances tbody').replaceChildren(...rows);
  $('#unreachable').textContent = snapshot.unreachable.map((u) => `${u.endpoint} does not answer: ${u.error}`).join('; ');
}

// ---- topologies ------------------------------------------------------------------------

/** Each node's column: the longest path to it from a node without predecessors. */
function depths(nodes) {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const depth = new Map();
  const of = (name, seen = new Set()) => {
    if (depth.has(name)) return depth.get(name);
    if (seen.has(name)) return 0;
    seen.add(name);
    const node = byName.get(name);
    const d = node === undefined || node.predecessors.length === 0 ? 0 : 1 + Math.max(...node.predecessors.map((p) => of(p, seen)));
    depth.set(name, d);
    return d;
  };
  for (const node of nodes) of(node.name);
  return depth;
}

function nodeBox(node) {
  const box = el('div', { class: `node ${node.type}`, 'data-name': node.name, 'data-type': node.type },
    el('div', { class: 'kind' }, node.type),
    el('div', { class: 'name' }, node.name));
  for (const topic of node.topics) box.append(el('span', { class: 'topic', 'data-topic': topic }, `⇄ ${topic}`));
  for (const store of node.stores) box.append(el('span', { class: 'store', 'data-store': store }, `▣ ${store}`));
  return box;
}

function subtopologyBox(label, id, nodes) {
  const depth = depths(nodes);
  const columns = [];
  for (const node of nodes) (columns[depth.get(node.name)] ??= []).push(node);
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'edges');
  const area = el('div', { class: 'columns' }, svg, ...columns.filter(Boolean).map((column) => el('div', { class: 'column' }, ...column.map(nodeBox))));
  requestAnimationFrame(() => drawEdges(area, svg, nodes));
  return el('div', { class: 'subtopology', 'data-subtopology': id }, el('span', { class: 'label' }, label), area);
}

/** A curve from each node to each of its successors, drawn once the boxes are laid out. */
function drawEdges(area, svg, nodes) {
  const origin = area.getBoundingClientRect();
  const box = (name) => area.querySelector(`.node[data-name="${CSS.escape(name)}"]`)?.getBoundingClientRect();
  for (const node of nodes) {
    const from = box(node.name);
    for (const successor of node.successors) {
      const to = box(successor);
      if (from === undefined || to === undefined) continue;
      const x1 = from.right - origin.left; const y1 = from.top + from.height / 2 - origin.top;
      const x2 = to.left - origin.left; const y2 = to.top + to.height / 2 - origin.top;
      const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
      path.setAttribute('d', `M${x1},${y1} C${x1 + 14},${y1} ${x2 - 14},${y2} ${x2},${y2}`);
      svg.append(path);
    }
  }
}

const drawn = new Map();

function renderTopologies(snapshot) {
  const container = $('#topologies');
  for (const service of snapshot.services) {
    const text = service.topology.text;
    if (drawn.get(service.applicationId) === text) continue;
    drawn.set(service.applicationId, text);
    const boxes = [
      ...service.topology.subtopologies.map((s) => subtopologyBox(`sub-topology ${s.id}`, s.id, s.nodes)),
      ...service.topology.globalStores.map((g) => subtopologyBox(`sub-topology ${g.id} (global store)`, g.id, [g.source, g.processor])),
    ];
    const section = el('div', { class: 'service', 'data-service': service.applicationId },
      el('h3', {}, `${serviceName(service.applicationId)} `, el('small', {}, `(${service.applicationId})`)),
      boxes.length === 0 ? el('p', {}, 'no topology reported yet') : el('div', { class: 'subtopologies' }, ...boxes));
    const old = container.querySelector(`.service[data-service="${CSS.escape(service.applicationId)}"]`);
    if (old === null) container.append(section);
    else old.replaceWith(section);
  }
}

// ---- refresh ---------------------------------------------------------------------------

let timer;

async function refresh() {
  clearTimeout(timer);
  if (token() === '') {
    setStatus('paste an admin token to start');
    return;
  }
  try {
    const response = await fetch('/ops/snapshot', { headers: headers() });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      setStatus(`GET /ops/snapshot: ${response.status} ${body.message ?? response.statusText}`, true);
    } else {
      renderInstances(body);
      renderTopologies(body);
      const instances = body.services.reduce((n, s) => n + s.instances.length, 0);
      setStatus(`${body.services.length} services, ${instances} instances · updated ${clock(body.atMs)} UTC`);
    }
  } catch (error) {
    setStatus(`GET /ops/snapshot failed: ${error}`, true);
  }
  timer = setTimeout(refresh, REFRESH_MS);
}

// ---- order timeline --------------------------------------------------------------------

let watching;

function addTransition(event, previousAtMs) {
  const classes = [FINAL.has(event.status) ? 'final' : '', FAILED.has(event.status) ? 'failed' : ''].join(' ').trim();
  const delta = previousAtMs === undefined ? '' : ` (+${event.atMs - previousAtMs} ms)`;
  $('#timeline').append(el('li', { class: classes || undefined, 'data-status': event.status, 'data-index': event.index },
    el('span', { class: 'status' }, event.status), ' ',
    el('span', { class: 'time' }, `${clock(event.atMs)}${delta}`),
    event.reason ? el('div', { class: 'reason' }, event.reason) : undefined));
}

async function watchOrder(orderId) {
  watching?.abort();
  const controller = new AbortController();
  watching = controller;
  $('#timeline').replaceChildren();
  const info = $('#timeline-order');
  info.textContent = `watching order ${orderId}…`;
  let previous;
  try {
    const response = await fetch(`/orders/${encodeURIComponent(orderId)}/events`, { headers: headers(), signal: controller.signal });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      info.textContent = `order ${orderId}: ${response.status} ${body.message ?? response.statusText}`;
      return;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const type = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (data === undefined) continue;
        const event = JSON.parse(data);
        if (type === 'error') {
          info.textContent = `order ${orderId}: ${event.code} ${event.message}`;
          continue;
        }
        addTransition(event, previous);
        previous = event.atMs;
        const { order } = event;
        const took = event.atMs - order.createdAtMs;
        info.textContent = `order ${orderId} of ${order.customerId}: ${event.status}${event.final ? ` (final, ${took} ms after it was placed)` : ''} · total ${(order.totalCents / 100).toFixed(2)}`;
        info.dataset.final = String(event.final);
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) info.textContent = `order ${orderId}: ${error}`;
  }
}

// ---- wiring ----------------------------------------------------------------------------

$('#token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $('#token').value.trim().replace(/^Bearer\s+/i, '');
  if (value !== '') localStorage.setItem(TOKEN_KEY, value);
  $('#token').value = '';
  void refresh();
});
$('#forget').addEventListener('click', () => {
  localStorage.removeItem(TOKEN_KEY);
  void refresh();
});
$('#order-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const orderId = $('#order-id').value.trim();
  if (orderId !== '') {
    location.hash = `order=${encodeURIComponent(orderId)}`;
    void watchOrder(orderId);
  }
});

const linked = /order=([^&]+)/.exec(location.hash)?.[1];
if (linked !== undefined && token() !== '') {
  $('#order-id').value = decodeURIComponent(linked);
  void watchOrder(decodeURIComponent(linked));
}
void refresh();
