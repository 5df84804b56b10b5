// The Corral web console: plain ES module, no build step, every request to this server's /console/api/.
import { drawChart } from '/console/charts.js';

const PAGE = 100;
const $ = (id) => document.getElementById(id);
const state = { csrf: null, writable: false, selected: '/', znode: null, editing: false, views: new Map() };

// ---- API -------------------------------------------------------------------------------------------
class ApiError extends Error {
  constructor(status, body) { super(body.error || ('HTTP ' + status)); this.status = status; this.code = body.code; }
}

async function api(method, route, params = {}, body = undefined) {
  const query = new URLSearchParams(params).toString();
  const headers = { 'Accept': 'application/json' };
  if (method === 'POST') { headers['Content-Type'] = 'application/json'; headers['X-Corral-Csrf'] = state.csrf; }
  const response = await fetch('/console/api/' + route + (query ? '?' + query : ''), {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const json = await response.json().catch(() => ({ error: 'HTTP ' + response.status }));
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

function showMessage(text, error = false) {
  const box = $('message');
  box.textContent = text;
  box.className = error ? 'error' : '';
  box.hidden = !text;
}

const failed = (e) => showMessage(e.message, true);
const parentOf = (path) => path === '/' ? null : (path.lastIndexOf('/') === 0 ? '/' : path.slice(0, path.lastIndexOf('/')));
const childPath = (parent, name) => parent === '/' ? '/' + name : parent + '/' + name;
const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v; else if (k.startsWith('data-')) node.setAttribute(k, v); else node[k] = v;
  }
  for (const c of children) node.append(c);
  return node;
};

// ---- Session and login ---------------------------------------------------------------------------
function useSession(session) {
  state.csrf = session.csrf;
  state.writable = session.writable;
  document.body.classList.toggle('readonly', !session.writable);
  $('mode').textContent = session.writable ? 'writable' : 'read-only';
  $('identity').textContent = session.identity + ' · session ' + session.sessionId;
  // A certificate's identity ("x509:...") stays with every login of this browser: only a digest login ends.
  const digest = session.identity.split(', ').some((id) => id.startsWith('digest:'));
  $('login-open').hidden = digest;
  $('logout').hidden = !digest;
  connectEvents();
}

async function login(user, password) {
  try {
    useSession(await api('POST', 'login', {}, { user, password }));
    await reloadAll();
    showMessage('Logged in as digest:' + user);
  } catch (e) { failed(e); }
}

// ---- Live updates ---------------------------------------------------------------------------------
let events = null;
const pendingRefresh = new Set();
let refreshTimer = null;

function connectEvents() {
  if (events) events.close();
  events = new EventSource('/console/api/events');
  events.addEventListener('hello', (e) => {
    const hello = JSON.parse(e.data);
    setLive(hello.live, hello.error);
  });
  events.addEventListener('change', (e) => onChange(JSON.parse(e.data)));
  events.onerror = () => {
    if (events.readyState !== EventSource.CLOSED) { setLive(false, 'live updates lost; reconnecting'); return; }
    // The server refused the stream (its login ended): the browser will not retry, so open a login again.
    setLive(false, 'live updates stopped: the console login ended; opening a new one');
    const stopped = events;
    setTimeout(() => { if (events === stopped) api('GET', 'session').then(useSession).catch(failed); }, 3000);
  };
}

function setLive(on, why) {
  const live = $('live');
  live.className = 'live ' + (on ? 'on' : 'off');
  live.title = on ? 'the tree follows changes live' : why;
}

function onChange(change) {
  if (change.type === 'NodeCreated' || change.type === 'NodeDeleted') {
    const parent = parentOf(change.path);
    scheduleRefresh(parent);
    if (parentOf(parent)) scheduleRefresh(parentOf(parent));
  }
  if (change.path === state.selected) {
    if (change.type === 'NodeDeleted') showMessage(change.path + ' was deleted', true);
    if (state.editing) showMessage(change.path + ' changed on the server since you read it (' + change.type + ')', true);
    else scheduleRefresh(null);
  }
}

function scheduleRefresh(path) {
  pendingRefresh.add(path);
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    const paths = [...pendingRefresh];
    pendingRefresh.clear();
    for (const p of paths) {
      if (p === null) { if (!state.editing) await selectPath(state.selected, false).catch(() => {}); continue; }
      const item = findItem(p);
      if (item && item.getAttribute('aria-expanded') === 'true') await loadChildren(item, true).catch(() => {});
    }
  }, 120);
}

// ---- Tree ------------------------------------------------------------------------------------------
function findItem(path) {
  return [...$('tree').querySelectorAll('[role=treeitem]')].find((li) => li.dataset.path === path) || null;
}

function badges(row) {
  const out = [];
  if (row.kind && row.kind !== 'persistent') out.push(el('span', { class: 'badge ' + row.kind, textContent: row.kind === 'ttl' ? 'TTL' : row.kind }));
  if (row.sequential) out.push(el('span', { class: 'badge sequential', textContent: 'sequential' }));
  if (row.readable === false) out.push(el('span', { class: 'badge noread', textContent: 'no READ', title: 'your identity may not read this znode' }));
  return out;
}

function treeItem(row) {
  const li = el('li', { role: 'treeitem', 'data-path': row.path });
  li.setAttribute('aria-expanded', 'false');
  // A znode this identity may not read shows its name only; expanding it asks the server, which says NoAuth.
  if (row.readable === false) row.numChildren = -1;
  const toggle = el('span', { class: 'toggle', textContent: row.numChildren !== 0 ? '▸' : '' });
  const label = el('div', { class: 'label', tabIndex: -1 }, toggle, el('span', { class: 'name', textContent: row.name }),
    ...badges(row), el('span', { class: 'count', textContent: row.numChildren > 0 ? String(row.numChildren) : '' }));
  label.addEventListener('click', (e) => {
    if (e.target === toggle) toggleItem(li).catch(failed); else selectPath(row.path).catch(failed);
  });
  label.addEventListener('dblclick', () => toggleItem(li).catch(failed));
  li.append(label);
  li.numChildren = row.numChildren;
  return li;
}

async function toggleItem(li) {
  if (li.getAttribute('aria-expanded') === 'true') {
    li.setAttribute('aria-expanded', 'false');
    li.querySelector(':scope > ul')?.remove();
    li.querySelector(':scope > .filter')?.remove();
    li.querySelector(':scope > .label .toggle').textContent = li.numChildren !== 0 ? '▸' : '';
  } else {
    await loadChildren(li);
  }
}

// Loads (or reloads, keeping how many were shown) the children of a tree item: one page, filtered.
async function loadChildren(li, keep = false) {
  const path = li.dataset.path;
  const view = state.views.get(path) || { shown: PAGE, filter: '' };
  if (!keep) view.shown = PAGE;
  state.views.set(path, view);
  const started = performance.now();
  const page = await api('GET', 'children', { path, offset: 0, limit: Math.min(500, Math.max(PAGE, view.shown)), filter: view.filter });
  li.setAttribute('aria-expanded', 'true');
  li.numChildren = page.total;
  const label = li.querySelector(':scope > .label');
  label.querySelector('.toggle').textContent = page.total > 0 ? '▾' : '';
  label.querySelector('.count').textContent = page.total > 0 ? String(page.total) : '';
  renderChildren(li, page, view);
  li.dataset.loadMs = String(Math.round(performance.now() - started));
}

function renderChildren(li, page, view) {
  const focusedPath = document.activeElement?.closest?.('[role=treeitem]')?.dataset.path;
  li.querySelector(':scope > ul')?.remove();
  let filterRow = li.querySelector(':scope > .filter');
  if (page.total > PAGE && !filterRow) {
    const input = el('input', { type: 'search', placeholder: 'filter ' + page.total + ' children', 'data-filter-for': page.path });
    input.setAttribute('aria-label', 'filter the children of ' + page.path);
    input.value = view.filter;
    let timer = null;
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => { view.filter = input.value; loadChildren(li).catch(failed); }, 150);
    });
    filterRow = el('div', { class: 'filter' }, input);
    li.querySelector(':scope > .label').after(filterRow);
  }
  const group = el('ul', { role: 'group' });
  for (const row of page.children) {
    const item = treeItem(row);
    if (row.path === state.selected) item.classList.add('selected');
    group.append(item);
  }
  const shownCount = page.children.length;
  if (shownCount < page.matched) {
    const more = el('button', { textContent: 'Show more (' + shownCount + ' of ' + page.matched + (view.filter ? ' matching' : '') + ')' });
    more.dataset.moreFor = page.path;
    more.addEventListener('click', () => morePage(li, page.path, view, group, more).catch(failed));
    group.append(el('li', { class: 'more' }, more));
  } else if (view.filter && page.matched === 0) {
    group.append(el('li', { class: 'more', textContent: 'no child matches "' + view.filter + '"' }));
  }
  li.append(group);
  if (focusedPath) findItem(focusedPath)?.querySelector(':scope > .label')?.focus();
}

async function morePage(li, path, view, group, button) {
  const offset = group.querySelectorAll(':scope > [role=treeitem]').length;
  const page = await api('GET', 'children', { path, offset, limit: PAGE, filter: view.filter });
  button.parentElement.remove();
  for (const row of page.children) group.append(treeItem(row));
  view.shown = offset + page.children.length;
  if (view.shown < page.matched) {
    button.textContent = 'Show more (' + view.shown + ' of ' + page.matched + ')';
    group.append(el('li', { class: 'more' }, button));
  }
}

async function buildTree() {
  const root = treeItem({ name: '/', path: '/', numChildren: 1, kind: 'persistent' });
  const top = el('ul', { role: 'group' }, root);
  $('tree').replaceChildren(top);
  await loadChildren(root);
}

// Opens the tree down to a path: each ancestor expanded, filtered to the next name if it is not on the first page.
async function revealPath(path) {
  const names = path.split('/').filter(Boolean);
  let current = '/';
  for (const name of names) {
    const item = findItem(current);
    if (!item) return;
    const next = childPath(current, name);
    if (item.getAttribute('aria-expanded') !== 'true') await loadChildren(item);
    if (!findItem(next) && item.numChildren > PAGE) {
      state.views.set(current, { shown: PAGE, filter: name });
      item.querySelector(':scope > .filter input').value = name;
      await loadChildren(item, true);
    }
    current = next;
  }
}

// ---- Keyboard navigation in the tree ---------------------------------------------------------------
function visibleLabels() {
  return [...$('tree').querySelectorAll('[role=treeitem] > .label')].filter((l) => l.offsetParent !== null);
}

$('tree').addEventListener('keydown', (e) => {
  const labels = visibleLabels();
  const current = document.activeElement.classList.contains('label') ? document.activeElement : null;
  const index = current ? labels.indexOf(current) : -1;
  const li = current?.parentElement;
  const move = (i) => { const target = labels[Math.max(0, Math.min(labels.length - 1, i))]; target?.focus(); };
  switch (e.key) {
    case 'ArrowDown': move(index + 1); break;
    case 'ArrowUp': move(index - 1); break;
    case 'Home': move(0); break;
    case 'End': move(labels.length - 1); break;
    case 'ArrowRight':
      if (li && li.getAttribute('aria-expanded') !== 'true' && li.numChildren !== 0) loadChildren(li).catch(failed);
      else move(index + 1);
      break;
    case 'ArrowLeft':
      if (li && li.getAttribute('aria-expanded') === 'true') toggleItem(li);
      else findItem(parentOf(li?.dataset.path || '/'))?.querySelector(':scope > .label')?.focus();
      break;
    case 'Enter': case ' ':
      if (li) selectPath(li.dataset.path).catch(failed);
      break;
    default: return;
  }
  e.preventDefault();
});
$('tree').addEventListener('focus', () => { if (document.activeElement === $('tree')) visibleLabels()[0]?.focus(); });

// ---- A znode ---------------------------------------------------------------------------------------
async function selectPath(path, reveal = true) {
  const znode = await api('GET', 'znode', { path });
  state.selected = path;
  state.znode = znode;
  setEditing(false);
  $('path').value = path;
  history.replaceState(null, '', '#' + path);
  for (const s of $('tree').querySelectorAll('.selected')) s.classList.remove('selected');
  if (reveal) await revealPath(path).catch(() => {});
  findItem(path)?.classList.add('selected');
  renderZnode();
}

function renderZnode() {
  const z = state.znode;
  $('znode-path').textContent = z.path;
  $('znode-badges').replaceChildren(...badges({ kind: z.kind, sequential: /\d{10}$/.test(z.path) }));
  $('data-version').textContent = 'version ' + z.stat.version;
  renderData();
  const s = z.stat;
  const rows = [['czxid', s.czxid], ['mzxid', s.mzxid], ['pzxid', s.pzxid], ['ctime', s.ctimeIso + ' (' + s.ctime + ')'],
    ['mtime', s.mtimeIso + ' (' + s.mtime + ')'], ['version', s.version], ['cversion', s.cversion], ['aversion', s.aversion],
    ['ephemeralOwner', s.ephemeralOwner], ['dataLength', s.dataLength], ['numChildren', s.numChildren]];
  $('stat').replaceChildren(...rows.map(([k, v]) => el('tr', {}, el('th', { textContent: k }), el('td', { textContent: String(v) }))));
  $('stat').dataset.version = String(s.version);
  $('acl').replaceChildren(el('tr', {}, el('th', { textContent: 'scheme' }), el('th', { textContent: 'id' }), el('th', { textContent: 'perms' })),
    ...z.acl.map((a) => el('tr', {}, el('td', { textContent: a.scheme }), el('td', { textContent: a.id }), el('td', { textContent: a.perms }))));
  $('acl-text').value = z.acl.map((a) => a.scheme + ':' + a.id + ':' + a.perms).join(', ');
}

function hexDump(base64) {
  const bytes = Uint8Array.from(atob(base64 || ''), (c) => c.charCodeAt(0));
  const lines = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const chunk = [...bytes.slice(i, i + 16)];
    lines.push(i.toString(16).padStart(8, '0') + '  ' + chunk.map((b) => b.toString(16).padStart(2, '0')).join(' ').padEnd(48) +
      ' ' + chunk.map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join(''));
  }
  return lines.join('\n');
}

function renderData() {
  const z = state.znode;
  const view = $('data-view').value;
  let text;
  let note = '';
  if (z.dataBase64 === null) text = '';
  else if (view === 'hex' || z.text === null) text = hexDump(z.dataBase64);
  else if (view === 'json' && z.text !== '') {
    try { text = JSON.stringify(JSON.parse(z.text), null, 2); } catch (e) { text = z.text; note = ', not valid JSON: ' + e.message; }
  } else text = z.text;
  $('data').value = text;
  $('data-size').textContent = '(' + z.size + ' bytes, ' + z.encoding + note + ')';
}

function setEditing(on) {
  state.editing = on;
  $('data').readOnly = !on;
  $('data-edit').hidden = on;
  $('data-save').hidden = !on;
  $('data-cancel').hidden = !on;
}

async function saveData() {
  const z = state.znode;
  let data = $('data').value;
  if ($('data-view').value === 'json') {
    try { data = JSON.stringify(JSON.parse(data), null, 2); } catch (e) { showMessage('not saved: the data is not valid JSON: ' + e.message, true); return; }
  }
  try {
    await api('POST', 'set', {}, { path: z.path, data, version: z.stat.version });
    showMessage('Saved ' + z.path);
    setEditing(false);
    await selectPath(z.path, false);
  } catch (e) {
    if (e.code === 'BadVersion') {
      const now = await api('GET', 'znode', { path: z.path }).catch(() => null);
      showMessage('Version conflict: ' + z.path + ' changed since you read version ' + z.stat.version +
        (now ? ' (it is at version ' + now.stat.version + ' now)' : '') + '. Nothing was overwritten; your edit is still here. Cancel to see the current data.', true);
      $('message').dataset.conflict = 'true';
    } else failed(e);
  }
}

async function createChild() {
  const name = $('create-name').value.trim();
  const mode = $('create-mode').value;
  const body = { path: childPath(state.selected, name), mode, data: $('create-data').value };
  if (mode.includes('TTL')) body.ttlMs = Number($('create-ttl').value);
  try {
    const created = await api('POST', 'create', {}, body);
    showMessage('Created ' + created.path);
    $('create-name').value = '';
    $('create-data').value = '';
    const parent = findItem(state.selected);
    if (parent) await loadChildren(parent, true);
    await selectPath(created.path);
  } catch (e) { failed(e); }
}

function confirmDialog(text, okLabel) {
  return new Promise((resolve) => {
    $('confirm-text').textContent = text;
    $('confirm-ok').textContent = okLabel;
    $('confirm').returnValue = '';
    $('confirm').addEventListener('close', () => resolve($('confirm').returnValue === 'ok'), { once: true });
    $('confirm').showModal();
  });
}

async function deleteZnode(recursive) {
  const path = state.selected;
  try {
    let body = { path, version: state.znode.stat.version };
    if (recursive) {
      const { count } = await api('GET', 'count', { path });
      if (!await confirmDialog('Delete ' + path + ' and everything under it: ' + count + ' znode' + (count === 1 ? '' : 's') + '?',
        'Delete ' + count + ' znodes')) return;
      body = { path, recursive: true, count };
    } else if (!await confirmDialog('Delete ' + path + ' (version ' + state.znode.stat.version + ')?', 'Delete')) return;
    const result = await api('POST', 'delete', {}, body);
    showMessage('Deleted ' + result.deleted + ' znode' + (result.deleted === 1 ? '' : 's') + ' under ' + path);
    const parent = parentOf(path);
    const item = findItem(parent);
    if (item) await loadChildren(item, true);
    await selectPath(parent, false);
  } catch (e) { failed(e); }
}

function parseAcl(text) {
  return text.split(',').map((s) => s.trim()).filter(Boolean).map((entry) => {
    const first = entry.indexOf(':');
    const last = entry.lastIndexOf(':');
    if (first < 0 || last === first) throw new Error('an ACL entry is scheme:id:perms, not "' + entry + '"');
    return { scheme: entry.slice(0, first), id: entry.slice(first + 1, last), perms: entry.slice(last + 1) };
  });
}

async function saveAcl() {
  try {
    await api('POST', 'acl', {}, { path: state.selected, acl: parseAcl($('acl-text').value), aversion: state.znode.stat.aversion });
    showMessage('ACL of ' + state.selected + ' set');
    await selectPath(state.selected, false);
  } catch (e) { failed(e); }
}

async function exportTree() {
  try {
    const document_ = await api('GET', 'export', { path: state.selected });
    const link = el('a', { href: URL.createObjectURL(new Blob([JSON.stringify(document_, null, 2)], { type: 'application/json' })),
      download: 'corral-export' + state.selected.replaceAll('/', '_') + '.json' });
    link.click();
    showMessage('Exported ' + state.selected);
  } catch (e) { failed(e); }
}

async function importTree(file) {
  try {
    const document_ = JSON.parse(await file.text());
    const result = await api('POST', 'import', {}, { document: document_ });
    showMessage('Imported ' + result.created + ' znodes under ' + document_.path);
    await reloadAll();
  } catch (e) { failed(e); }
}

// ---- Sessions and server panels --------------------------------------------------------------------
function table(id, headers, rows) {
  $(id).replaceChildren(el('tr', {}, ...headers.map((h) => el('th', { textContent: h }))),
    ...rows.map((r) => el('tr', {}, ...r.map((v) => el('td', { textContent: typeof v === 'object' ? JSON.stringify(v) : String(v) })))));
}

async function loadSessions() {
  try {
    const s = await api('GET', 'sessions');
    table('cons', ['session', 'remote', 'timeout', 'received', 'sent', 'last op', 'avg latency'],
      (s.cons.connections || []).map((c) => [c.session_id, c.remote_socket_address, c.session_timeout, c.packets_received, c.packets_sent, c.last_operation, c.avg_latency]));
    table('wchp', ['path', 'sessions'], Object.entries(s.wchp.path_to_session_ids || {}).map(([p, ids]) => [p, ids.join(' ')]));
    table('wchc', ['session', 'paths'], Object.entries(s.wchc.session_id_to_watched_paths || {}).map(([id, ps]) => [id, ps.join(' ')]));
    table('ephemerals', ['session', 'ephemerals'], Object.entries(s.dump.session_id_to_ephemeral_paths || {}).map(([id, ps]) => [id, ps.join(' ')]));
  } catch (e) { failed(e); }
}

async function loadServer() {
  try {
    const s = await api('GET', 'server');
    const stats = s.srvr.server_stats || {};
    const zab = s.zabstate || {};
    table('server-facts', ['fact', 'value'], [
      ['role', stats.server_state], ['version', s.srvr.version], ['last zxid', '0x' + Number(stats.last_processed_zxid || 0).toString(16)],
      // A zxid is the epoch in its high 32 bits and a counter in its low 32.
      ['epoch', Math.floor(Number(stats.last_processed_zxid || 0) / 2 ** 32)], ['zab state', zab.zabstate || (zab.voting === false ? 'standalone' : '')], ['znodes', s.srvr.node_count], ['connections', stats.num_alive_client_connections],
      ['outstanding', stats.outstanding_requests], ['latency min/avg/max ms', stats.min_latency + ' / ' + stats.avg_latency + ' / ' + stats.max_latency],
      ['health', s.ready.error ? s.ready.error : 'ok']]);
    showMembers(s.ensemble || {});
    const h = s.history;
    // Percentiles are of each interval's own requests and fsyncs, so a burst shows in its sample only.
    $('charts').replaceChildren(...[['Requests per second', h.requestsPerSecond],
      ['Latency percentiles (ms)', { p50: h.latencyP50Ms, p99: h.latencyP99Ms, 'p99.9': h.latencyP999Ms, max: h.latencyMaxMs }],
      ['Average latency (ms)', h.latencyAvgMs], ['Outstanding requests', h.outstanding],
      ['fsync time percentiles (ms)', { p50: h.fsyncP50Ms, p99: h.fsyncP99Ms, max: h.fsyncMaxMs }],
      ['fsync time, average (ms)', h.fsyncAvgMs], ['Znodes', h.znodes], ['Connections', h.connections]]
      .map(([title, series]) => drawChart(title, h.at, series)));
  } catch (e) { failed(e); }
}

// The quorum's members as this server sees them: the leader knows every learner's lag and when it last
// heard from it; a follower knows its own lag and its leader only, and the table says so.
function showMembers(e) {
  if (!e.distributed) {
    $('members-note').textContent = 'Standalone: this server is the whole ensemble.';
    $('members').replaceChildren();
    return;
  }
  $('members-note').textContent = 'This server (' + e.myId + ') is ' + e.state + (e.leaderId >= 0 ? ', leader ' + e.leaderId : '')
    + '; last logged ' + e.lastLoggedZxid + ', committed ' + e.lastCommittedZxid + ', applied ' + e.lastAppliedZxid + '.';
  const members = e.members || [];
  const shown = (v) => (v === undefined ? '' : v);
  table('members', ['id', 'role', 'address', 'state', 'zxid', 'lag (txns)', 'last heard (ms ago)'], members.map((m) => [
    m.id + (m.self ? ' (this server)' : ''), m.role, m.address, m.state, shown(m.zxid),
    m.lagTxns === undefined ? '' : m.lagTxns + (m.uncommittedTxns ? ' (+' + m.uncommittedTxns + ' uncommitted)' : ''), shown(m.heardMsAgo)]));
  // Rows carry the member's id for tests and styles; the first row is the header.
  $('members').querySelectorAll('tr').forEach((row, i) => {
    if (i > 0) {
      row.dataset.member = members[i - 1].id;
      if (members[i - 1].self) row.classList.add('self');
    }
  });
}

// ---- Wiring ----------------------------------------------------------------------------------------
for (const tab of document.querySelectorAll('[role=tab]')) {
  tab.addEventListener('click', () => {
    for (const t of document.querySelectorAll('[role=tab]')) {
      t.setAttribute('aria-selected', String(t === tab));
      $(t.dataset.panel).hidden = t !== tab;
    }
    if (tab.id === 'tab-sessions') loadSessions();
    if (tab.id === 'tab-server') loadServer();
  });
}

async function goToPathBar() {
  const path = $('path').value.trim();
  try { await selectPath(path); } catch (e) { failed(e); }
}

let searchTimer = null;
$('path').addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(async () => {
    const prefix = $('path').value;
    if (!prefix.startsWith('/')) return;
    const found = await api('GET', 'search', { prefix }).catch(() => ({ paths: [] }));
    $('search-results').replaceChildren(...found.paths.map((p) => el('option', { value: p })));
  }, 150);
});
$('path').addEventListener('keydown', (e) => { if (e.key === 'Enter') goToPathBar(); });
$('path-go').addEventListener('click', goToPathBar);
$('path-copy').addEventListener('click', () => navigator.clipboard?.writeText(state.selected).then(() => showMessage('Copied ' + state.selected)).catch(failed));
$('data-view').addEventListener('change', renderData);
$('data-edit').addEventListener('click', () => {
  if (state.znode.text === null && state.znode.dataBase64 !== null) { showMessage('binary data is shown as hex and cannot be edited here', true); return; }
  if ($('data-view').value === 'hex') $('data-view').value = 'text';
  renderData();
  setEditing(true);
  $('data').focus();
});
$('data-save').addEventListener('click', saveData);
$('data-cancel').addEventListener('click', () => { setEditing(false); showMessage(''); selectPath(state.selected, false).catch(failed); });
$('create').addEventListener('click', createChild);
$('delete').addEventListener('click', () => deleteZnode(false));
$('delete-tree').addEventListener('click', () => deleteZnode(true));
$('acl-save').addEventListener('click', saveAcl);
$('export').addEventListener('click', exportTree);
$('import').addEventListener('change', (e) => { if (e.target.files[0]) importTree(e.target.files[0]); e.target.value = ''; });
$('sessions-refresh').addEventListener('click', loadSessions);
$('server-refresh').addEventListener('click', loadServer);
$('login-open').addEventListener('click', () => $('login').showModal());
$('login').addEventListener('close', () => {
  if ($('login').returnValue === 'ok') login($('login-user').value, $('login-password').value);
  $('login-password').value = '';
  $('login').returnValue = '';
});
$('logout').addEventListener('click', async () => {
  try { useSession(await api('POST', 'logout')); await reloadAll(); showMessage('Logged out'); } catch (e) { failed(e); }
});

async function reloadAll() {
  await buildTree();
  await selectPath(state.selected).catch(() => selectPath('/'));
}

async function start() {
  const started = performance.now();
  try {
    useSession(await api('GET', 'session'));
    const wanted = decodeURIComponent(location.hash.slice(1)) || '/';
    await buildTree();
    state.selected = wanted;
    await selectPath(wanted).catch(() => selectPath('/'));
  } catch (e) { failed(e); }
  document.body.dataset.readyMs = String(Math.round(performance.now() - started));
  // Milliseconds from the start of the navigation to a listed tree and a shown znode.
  document.body.dataset.readyAtMs = String(Math.round(performance.now()));
  document.body.dataset.ready = 'true';
}

start();
