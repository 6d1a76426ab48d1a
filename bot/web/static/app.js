// norae web chat: one page, one room at a time. All user and model text goes in via textContent.
// Every word of the page's own comes from the catalogs (the page-* codes of web.ftl, loaded from
// /api/texts) in the reader's language; the switch in the header changes it at once.
"use strict";

const ROOM_RE = /^[\p{L}\p{N}_-]{1,40}$/u;
const $ = (id) => document.getElementById(id);

const state = {
  room: "", data: null, source: null, timer: null, archivePage: 1, page: 1,
  config: null, // the server's limits (/api/config)
  seen: new Set(), // ids of the room's events already in the activity list
  fresh: null, // { story, number } of the line a vote just added: highlighted
  writingTimer: null,
};
const LOG_MAX = 100;

// --- texts -------------------------------------------------------------------------------------

const LANGUAGES = ["ko", "en"];
const LANG_KEY = "norae.lang"; // the reader's choice, also sent to the server as a cookie
const LANG_COOKIE = "norae_lang";
const i18n = { lang: "ko", texts: {}, loaded: false };
const VARIABLE_RE = /\{ *\$([A-Za-z][\w-]*) *\}/g;

// A text to show, kept on the element that shows it so that a language switch redraws it:
// T(code, vars) is a catalog text; M(answer) the server's texts of an answer or an event
// ({ messages: { ko, en } }, else its one ``error`` or ``message``). A variable's value may be
// either of them too (it follows the language as well).
function T(code, vars) { return { t: code, vars: vars || {} }; }
function M(data) {
  return { m: (data && data.messages) || null, text: (data && (data.error || data.message)) || "" };
}

// The catalog text ``code`` in the page's language, its ``{ $name }`` variables filled in.
function t(code, vars) {
  const pattern = i18n.texts[code];
  if (pattern === undefined) {
    if (i18n.loaded) console.error(`norae: no text ${code}`);
    return "";
  }
  return pattern.replace(VARIABLE_RE, (whole, name) => {
    const value = vars ? vars[name] : undefined;
    return value === undefined || value === null ? "" : render(value);
  });
}

function render(spec) {
  if (spec === null || spec === undefined) return "";
  if (typeof spec !== "object") return String(spec);
  if (spec.t) return t(spec.t, spec.vars);
  return (spec.m && spec.m[i18n.lang]) || spec.text || "";
}

// Show ``spec`` (T or M) in ``node``, and remember it there for the next language switch.
function say(node, spec) {
  delete node.dataset.t;
  delete node.dataset.tVars;
  delete node.dataset.m;
  if (spec && spec.t) {
    node.dataset.t = spec.t;
    if (spec.vars && Object.keys(spec.vars).length) node.dataset.tVars = JSON.stringify(spec.vars);
  } else if (spec && typeof spec === "object") {
    node.dataset.m = JSON.stringify(spec);
  }
  node.textContent = render(spec);
  return node;
}

// A text that is no one's to translate (a title, a name, a line): shown as it is.
function plain(node, text) {
  return say(node, text === undefined || text === null ? "" : String(text));
}

function sayAttr(node, attr, spec) {
  const key = `t${attr.replace(/(^|-)([a-z])/g, (whole, dash, letter) => letter.toUpperCase())}`;
  node.dataset[key] = spec.t;
  if (spec.vars && Object.keys(spec.vars).length) node.dataset.tVars = JSON.stringify(spec.vars);
  node.setAttribute(attr, render(spec));
}

const TEXT_ATTRIBUTES = ["placeholder", "title", "aria-label"];

// Every text of the page (or of ``root``) in the current language.
function applyTexts(root) {
  const vars = (node) => (node.dataset.tVars ? JSON.parse(node.dataset.tVars) : {});
  for (const node of root.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t, vars(node));
  for (const node of root.querySelectorAll("[data-m]")) node.textContent = render(JSON.parse(node.dataset.m));
  for (const attr of TEXT_ATTRIBUTES) {
    for (const node of root.querySelectorAll(`[data-t-${attr}]`)) {
      node.setAttribute(attr, t(node.getAttribute(`data-t-${attr}`), vars(node)));
    }
  }
}

// The page's texts in ``lang`` (none: the server's choice, from the browser's languages); false
// when a later request for them was made meanwhile (its answer is the one that counts).
let textsAsked = 0;
async function loadTexts(lang) {
  const asked = ++textsAsked;
  const query = lang ? `?lang=${encodeURIComponent(lang)}` : "";
  const response = await fetch(`/api/texts${query}`, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`/api/texts: ${response.status}`);
  const data = await response.json();
  if (asked !== textsAsked) return false;
  i18n.lang = LANGUAGES.includes(data.lang) ? data.lang : "ko";
  i18n.texts = data.texts || {};
  i18n.loaded = true;
  return true;
}

function applyLanguage() {
  document.documentElement.lang = i18n.lang;
  for (const button of document.querySelectorAll("#languages button")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === i18n.lang));
  }
  applyTexts(document);
  for (const when of document.querySelectorAll("#log .when")) {
    when.textContent = clock(Number(when.parentNode.dataset.at));
  }
}

// The choice is kept in this browser and told to the server (its own answers follow it).
function rememberLanguage(lang) {
  localStorage.setItem(LANG_KEY, lang);
  document.cookie = `${LANG_COOKIE}=${lang}; path=/; max-age=31536000; samesite=lax`;
}

async function switchLanguage(lang) {
  if (!LANGUAGES.includes(lang) || (lang === i18n.lang && i18n.loaded)) return;
  rememberLanguage(lang);
  try {
    if (!(await loadTexts(lang))) return;
  } catch (err) {
    toast(T("page-unreachable"));
    return;
  }
  applyLanguage();
  loadCommands(); // their labels are the server's, in the new language
}

function storedLanguage() {
  const chosen = localStorage.getItem(LANG_KEY);
  return LANGUAGES.includes(chosen) ? chosen : null;
}

function clock(when) {
  return new Date(when).toLocaleTimeString(i18n.lang);
}

// --- small helpers -----------------------------------------------------------------------------

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

// An element showing a text of the page's (T) or the server's (M).
function tEl(tag, spec, cls) {
  return say(el(tag, null, cls), spec);
}

// Where the person last acted: a toast shows in the other half of the window, so it never
// covers the form they are using (the continue form, the write form…).
let lastAction = null;
document.addEventListener("click", (event) => { lastAction = event.target; }, true);
document.addEventListener("submit", (event) => { lastAction = event.target; }, true);

function toast(spec) {
  const box = $("toast");
  const near = lastAction && lastAction.isConnected
    ? lastAction.closest("form, .round, .tools, .song-tools") || lastAction : null;
  const rect = near ? near.getBoundingClientRect() : null;
  const upper = rect && rect.height > 0 && rect.top + rect.height / 2 < window.innerHeight / 2;
  box.classList.toggle("below", Boolean(upper));
  say(box, spec);
  box.hidden = false;
  box.onclick = () => { box.hidden = true; };
  clearTimeout(toast.t);
  toast.t = setTimeout(() => { box.hidden = true; }, 5000);
}

// The activity list, newest first; ``when`` in ms (a kept event's server time, else now).
function log(spec, when = Date.now()) {
  const list = $("log");
  const item = el("li");
  item.append(el("span", clock(when), "when"), " · ", tEl("span", spec));
  item.dataset.at = String(when);
  const older = [...list.children].find((li) => Number(li.dataset.at) < when);
  list.insertBefore(item, older || null);
  while (list.children.length > LOG_MAX) list.lastChild.remove();
}

function nick() {
  const input = $("nick");
  let value = input.value.trim();
  if (!value) {
    value = t("page-guest-nick", { id: Math.random().toString(36).slice(2, 6) });
    input.value = value;
  }
  localStorage.setItem("norae.nick", value);
  return value;
}

function api(path) {
  return `/api/rooms/${encodeURIComponent(state.room)}${path}`;
}

// What a refused request says: the server's texts, or its status when it sent none.
function answerText(data, status) {
  return data && (data.messages || data.error) ? M(data) : T("page-http-error", { status });
}

async function call(method, path, body) {
  const options = { method, headers: {}, credentials: "same-origin" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (err) {
    toast(T("page-unreachable"));
    throw err;
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const spec = answerText(data, response.status);
    toast(spec);
    const error = new Error(render(spec));
    error.data = data || {}; // the whole answer: a ``code`` and ``messages`` in both languages
    error.spec = spec;
    throw error;
  }
  return data;
}

async function busy(button, work) {
  if (button) button.disabled = true;
  try { return await work(); } catch (err) { return null; } finally { if (button) button.disabled = false; }
}

// --- rooms -------------------------------------------------------------------------------------

function roomFromUrl() {
  const fromHash = decodeURIComponent(location.hash.slice(1));
  const match = location.pathname.match(/^\/r\/([^/]+)$/);
  const fromPath = match ? decodeURIComponent(match[1]) : "";
  const room = fromHash || fromPath || localStorage.getItem("norae.room") || "lobby";
  return ROOM_RE.test(room) ? room : "lobby";
}

function join(room) {
  if (!ROOM_RE.test(room)) { toast(T("page-bad-room")); return; }
  state.room = room;
  localStorage.setItem("norae.room", room);
  $("room").value = room;
  if (decodeURIComponent(location.hash.slice(1)) !== room) history.replaceState(null, "", `#${encodeURIComponent(room)}`);
  document.title = `${room} · norae 노래`;
  $("log").replaceChildren();
  state.seen = new Set();
  state.fresh = null;
  listen();
  refresh();
  loadActivity();
  loadArchive(1);
}

// What happened in the room before this page came (the server keeps the latest events).
async function loadActivity() {
  const room = state.room;
  const data = await call("GET", api("/activity")).catch(() => null);
  if (!data || room !== state.room) return;
  for (const event of data.events || []) logEvent(event);
}

function listen() {
  if (state.source) state.source.close();
  const source = new EventSource(api("/events"));
  state.source = source;
  source.onopen = () => { say($("live"), T("page-live")); };
  source.onerror = () => { say($("live"), T("page-reconnecting")); };
  source.onmessage = (message) => {
    let event;
    try { event = JSON.parse(message.data); } catch (err) { return; }
    onEvent(event);
  };
}

// --- live events -------------------------------------------------------------------------------

const handlers = {
  // (re)connected: anything missed meanwhile is in the state and the kept events
  hello() { refresh(); loadActivity(); },
  story_started() { refresh(); },
  line_added() { state.fresh = null; refresh(); },
  line_removed() { state.fresh = null; refresh(); },
  writing(e) { clearTimeout(state.writingTimer); showWriting(T("page-writing-asked", { name: e.by })); },
  // the one who asked gets the reason as a toast; the room sees it for a moment
  writing_failed(e) {
    showWriting(M(e));
    clearTimeout(state.writingTimer);
    state.writingTimer = setTimeout(() => showWriting(null), 5000);
  },
  round_opened(e) {
    showWriting(null);
    state.fresh = null;
    if (state.data) { state.data.round = e.round; drawRound(); }
    refresh();
  },
  votes(e) {
    const round = state.data && state.data.round;
    if (round && round.id === e.round_id) { round.counts = e.counts; round.voters = e.voters; drawRound(); }
  },
  round_closed(e) { applyClosed(e); refresh(); },
  proposals(e) { if (state.data) { state.data.proposals = e.proposals; drawProposals(); } },
  story_ended() { refresh(); loadArchive(1); },
};

// The activity line of an event (null: not listed).
function describe(e) {
  switch (e.type) {
    case "story_started": {
      const title = e.story && e.story.title;
      return title ? T("page-log-started", { name: e.by, title })
        : T("page-log-started-untitled", { name: e.by });
    }
    case "line_added": return T("page-log-line-added", { name: e.line.author_name });
    case "line_removed": return T("page-log-line-removed", { name: e.by, number: e.line.number });
    case "round_opened":
      return T(e.reroll ? "page-log-rerolled" : "page-log-vote-opened", { name: e.by });
    case "round_closed":
      if (e.line && e.winner) return T("page-log-round-won", { winner: e.winner, line: e.line.text });
      // why nothing was added, when the server says it in both languages
      return e.messages ? M(e) : T("page-log-round-empty");
    case "story_ended": return T("page-log-ended", { name: e.by });
    default: return null;
  }
}

function logEvent(event) {
  if (event.id) {
    if (state.seen.has(event.id)) return; // both kept and heard live
    state.seen.add(event.id);
  }
  const spec = describe(event);
  if (spec) log(spec, typeof event.at === "number" ? event.at * 1000 : Date.now());
}

function onEvent(event) {
  logEvent(event);
  const handler = handlers[event.type];
  if (handler) handler(event);
}

// A round closed (its event, or this browser's own vote completing it): the winning line joins
// the story on the page at once, highlighted, before the room's state is read again.
function applyClosed(result) {
  const data = state.data;
  if (!data) return;
  if (data.round && data.round.id === result.round_id) {
    data.round = null;
    drawRound();
  }
  const line = result.line;
  if (!line || !data.story || data.story.id !== result.story_id) return;
  state.fresh = { story: result.story_id, number: line.number };
  if (!data.lines.some((l) => l.number === line.number)) {
    data.lines.push(line);
    data.lines.sort((a, b) => a.number - b.number);
    data.story.line_count = Math.max(data.story.line_count || 0, line.number);
  }
  draw();
}

// ``spec``: what the model's writing came to (T or M); null hides the notice.
function showWriting(spec) {
  say($("writing"), spec);
  $("writing").hidden = !render(spec);
}

// --- drawing -----------------------------------------------------------------------------------

async function refresh() {
  const room = state.room;
  const data = await call("GET", api("")).catch(() => null);
  if (!data || room !== state.room) return;
  state.data = data;
  draw();
}

const LANGUAGE_NAMES = { ko: "page-language-ko", en: "page-language-en" };

// A story's title, or "Untitled" in the page's language.
function title(node, story) {
  return story.title ? plain(node, story.title) : say(node, T("page-untitled"));
}

// Parts of a line of facts, " · " between them: a string as it is, a T or M in the language.
function facts(node, parts) {
  const shown = [];
  for (const part of parts.filter(Boolean)) {
    if (shown.length) shown.push(" · ");
    shown.push(typeof part === "object" ? tEl("span", part) : el("span", part));
  }
  node.replaceChildren(...shown);
}

function draw() {
  const { story } = state.data;
  $("no-story").hidden = Boolean(story);
  $("story").hidden = !story;
  if (!story) { drawRound(); return; }
  title($("story-title"), story);
  const language = LANGUAGE_NAMES[story.language] ? T(LANGUAGE_NAMES[story.language]) : story.language;
  const by = story.created_by_name ? T("page-started-by", { name: story.created_by_name })
    : T("page-started-by-someone");
  facts($("story-meta"), [story.genre, language, by, T("page-line-count", { count: story.line_count })]);
  drawLines();
  drawRound();
  drawProposals();
  const base = api("/export");
  $("export-md").href = `${base}?format=md`;
  $("export-txt").href = `${base}?format=txt`;
  $("reader-link").href = `/stories/${encodeURIComponent(story.id)}`;
}

function drawLines() {
  const list = $("lines");
  const fresh = state.fresh && state.data.story && state.fresh.story === state.data.story.id
    ? state.fresh.number : null;
  let freshItem = null;
  list.replaceChildren(...state.data.lines.map((line) => {
    const item = el("li", line.text, line.source);
    item.dataset.number = String(line.number);
    if (line.number === fresh) { item.classList.add("fresh"); freshItem = item; }
    item.append(line.source === "model" ? tEl("span", T("page-the-model"), "who")
      : el("span", line.author_name, "who"));
    return item;
  }));
  if (freshItem) freshItem.scrollIntoView({ block: "nearest" });
}

function drawRound() {
  const round = state.data && state.data.round;
  $("round").hidden = !round;
  clearInterval(state.timer);
  if (!round) return;
  const list = $("candidates");
  list.replaceChildren(...round.candidates.map((text, i) => {
    const item = el("li");
    const button = tEl("button", T("page-vote-for", { number: i + 1 }));
    button.type = "button";
    if (round.my_vote === i + 1) button.classList.add("voted");
    button.addEventListener("click", () => vote(round.id, i + 1, button));
    item.append(button, el("span", (round.counts || [])[i] || 0, "count"), el("span", text));
    return item;
  }));
  say($("round-voters"), T("page-voters", { count: round.voters || 0 }));
  drawRerolls(round);
  const tick = () => {
    const left = Math.max(0, Math.round(round.deadline - Date.now() / 1000));
    say($("round-timer"), left > 0 ? T("page-seconds-left", { seconds: left }) : T("page-closing"));
  };
  tick();
  state.timer = setInterval(tick, 1000);
}

// Reroll is off once the round has had all the rerolls the server allows.
function drawRerolls(round) {
  const limits = state.config && state.config.relay;
  const max = typeof round.max_rerolls === "number" ? round.max_rerolls
    : limits ? limits.max_rerolls : null;
  const left = max === null ? null : Math.max(0, max - (round.rerolls || 0));
  $("reroll").disabled = left === 0;
  say($("reroll-left"), left === null ? null
    : left > 0 ? T("page-rerolls-left", { count: left }) : T("page-no-rerolls"));
}

const PROPOSAL_KINDS = { keyword: "page-proposal-keyword", length: "page-proposal-length" };

function drawProposals() {
  const proposals = state.data.proposals || [];
  say($("proposals-summary"), T("page-proposals", { count: proposals.length }));
  $("proposals").replaceChildren(...proposals.map((p) => {
    const item = el("li");
    const button = tEl("button", T("page-vote"));
    button.type = "button";
    button.addEventListener("click", () => busy(button, () =>
      call("POST", api("/proposals/vote"), { proposal_id: p.id })));
    const kind = PROPOSAL_KINDS[p.kind] ? tEl("span", T(PROPOSAL_KINDS[p.kind])) : el("span", p.kind);
    item.append(button, " ", kind, ": ", el("strong", p.value), " · ",
      tEl("span", T("page-proposal-votes", { votes: p.votes, name: p.user_name }), "muted"));
    return item;
  }));
}

async function loadArchive(page) {
  const data = await call("GET", api(`/stories?page=${page}`)).catch(() => null);
  if (!data) return;
  state.archivePage = page;
  const list = $("archive");
  if (page === 1) list.replaceChildren();
  if (!data.stories.length && page === 1) list.append(tEl("li", T("page-archive-empty"), "muted"));
  for (const story of data.stories) {
    const item = el("li");
    const link = title(el("a"), story);
    link.href = `/stories/${encodeURIComponent(story.id)}`;
    item.append(link, " · ", tEl("span", T("page-line-count", { count: story.line_count }), "muted"));
    list.append(item);
  }
  $("archive-more").hidden = data.page >= data.pages;
}

// --- actions -----------------------------------------------------------------------------------

function vote(roundId, choice, button) {
  return busy(button, async () => {
    const result = await call("POST", api("/vote"), { round_id: roundId, choice });
    if (state.data && state.data.round && state.data.round.id === roundId) {
      state.data.round.my_vote = choice;
      state.data.round.counts = result.counts;
      drawRound();
    }
    if (result.closed) applyClosed(result.closed); // everyone writing here has voted
  });
}

function formData(form) {
  return Object.fromEntries(new FormData(form).entries());
}

function onSubmit(id, work) {
  const form = $(id);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form.querySelector("button[type=submit]"), () => work(form));
  });
}

async function showPage(page) {
  const data = await call("GET", api(`/show?page=${page}`)).catch(() => null);
  if (!data) return;
  state.page = data.page;
  title($("pages-title"), data.story);
  $("pages-text").textContent = data.text;
  $("pages-at").textContent = `${data.page} / ${data.pages}`;
  $("pages-prev").disabled = data.page <= 1;
  $("pages-next").disabled = data.page >= data.pages;
  if (!$("pages").open) $("pages").showModal();
}

function wire() {
  $("room-form").addEventListener("submit", (event) => {
    event.preventDefault();
    join($("room").value.trim());
  });
  $("nick").addEventListener("change", nick);
  for (const button of document.querySelectorAll("#languages button")) {
    button.addEventListener("click", () => switchLanguage(button.dataset.lang));
  }
  onSubmit("start-form", (form) => call("POST", api("/start"), { nick: nick(), ...formData(form) }));
  onSubmit("write-form", async (form) => {
    await call("POST", api("/write"), { nick: nick(), text: form.elements.text.value });
    form.reset();
  });
  onSubmit("continue-form", (form) => {
    const { keyword, length } = formData(form);
    showWriting(T("page-model-writing"));
    return call("POST", api("/continue"), { nick: nick(), keyword: keyword || null, length: length || null })
      .finally(() => showWriting(null));
  });
  onSubmit("propose-form", async (form) => {
    await call("POST", api("/propose"), { nick: nick(), ...formData(form) });
    form.elements.value.value = "";
  });
  const click = (id, work) => $(id).addEventListener("click", () => busy($(id), work));
  $("reroll").addEventListener("click", async () => {
    const view = await busy($("reroll"), () => call("POST", api("/reroll"), { nick: nick() }));
    if (view && state.data) state.data.round = view;
    if (state.data && state.data.round) drawRound(); // busy() re-enabled the button
  });
  click("undo", () => call("POST", api("/undo"), { nick: nick() }));
  click("end", () => (confirm(t("page-end-confirm"))
    ? call("POST", api("/end"), { nick: nick() }) : null));
  click("show", () => showPage(1));
  click("archive-more", () => loadArchive(state.archivePage + 1));
  $("pages-prev").addEventListener("click", () => showPage(state.page - 1));
  $("pages-next").addEventListener("click", () => showPage(state.page + 1));
  $("pages-close").addEventListener("click", () => $("pages").close());
  window.addEventListener("hashchange", () => {
    const room = roomFromUrl();
    if (room !== state.room) join(room);
  });
  for (const tab of document.querySelectorAll("#features button")) {
    tab.addEventListener("click", () => selectFeature(tab.dataset.feature));
  }
}

function selectFeature(name) {
  for (const tab of document.querySelectorAll("#features button")) {
    tab.classList.toggle("active", tab.dataset.feature === name);
  }
  for (const section of document.querySelectorAll("main > section.feature")) {
    section.hidden = section.dataset.feature !== name;
  }
  if (name === "mood") loadMood();
}

// --- mood companion ("DM with norae") --------------------------------------------------------

// --- mood companion ("DM with norae") --------------------------------------------------------

const mood = { loaded: false, picks: [], playlist: [], playing: -1 };
const PLAYLIST_MAX = 50; // the oldest songs leave first (never the one playing)
const AUDIO_PATH_RE = /^\/audio\/[A-Za-z0-9_.-]+$/;
const WEB_LINK_RE = /^https?:\/\//i;
const EMOTIONS = {
  joy: "page-emotion-joy",
  sadness: "page-emotion-sadness",
  anger: "page-emotion-anger",
  fear: "page-emotion-fear",
  surprise: "page-emotion-surprise",
  disgust: "page-emotion-disgust",
  neutral: "page-emotion-neutral",
};

// ``text``: what someone wrote (as it is), or a text of the page's (T).
function moodBubble(who, text, extra) {
  const item = el("li", null, `bubble ${who}${extra ? ` ${extra}` : ""}`);
  item.append(typeof text === "object" && text !== null ? tEl("p", text, "text") : el("p", text, "text"));
  $("mood-thread").append(item);
  item.scrollIntoView({ block: "end" });
  return item;
}

function setPicks(enabled) {
  for (const button of mood.picks) button.disabled = !enabled;
}

function songCard(song, number, choice) {
  const card = el("li", null, "song-card");
  const head = el("div", null, "song-head");
  head.append(el("strong", song.title), el("span", ` · ${song.artist}`, "muted"));
  if (song.mood) head.append(el("span", song.mood, "tag"));
  card.append(head);
  if (song.snippet) card.append(el("p", song.snippet, "snippet"));
  const tools = el("div", null, "song-tools");
  if (song.audio && AUDIO_PATH_RE.test(song.audio)) {
    const play = tEl("button", T("page-play"));
    play.type = "button";
    play.addEventListener("click", () => playSong(song));
    tools.append(play);
  }
  if (song.link && WEB_LINK_RE.test(song.link)) {
    const link = tEl("a", T("page-open-link"));
    link.href = song.link;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    tools.append(link);
  }
  if (choice) {
    const pick = tEl("button", T("page-more-like-this", { choice }), "pick");
    pick.type = "button";
    pick.addEventListener("click", () => moodPick(number, choice));
    mood.picks.push(pick);
    tools.append(pick);
  }
  card.append(tools);
  return card;
}

// Under the crisis banner no music plays: the player is paused and nothing starts it (not a song
// card, not the playlist moving on, not the player's own controls) until the banner is closed.
function crisisShown() {
  return !$("mood-crisis").hidden;
}

function showCrisis(text) {
  $("mood-crisis-text").textContent = text;
  $("mood-crisis").hidden = false;
  $("mood-audio").pause();
  say($("now-playing"), T("page-music-paused"));
  $("mood-crisis").scrollIntoView({ block: "start" });
}

// ``pickable``: the songs are the user's current list (numbered buttons pick from it).
function drawMoodReply(reply, pickable) {
  const item = moodBubble("bot", reply.text, reply.crisis ? "crisis" : "");
  if (reply.emotion && reply.score > 0) {
    const emotion = EMOTIONS[reply.emotion] ? T(EMOTIONS[reply.emotion]) : reply.emotion;
    const percent = Math.round(reply.score * 100);
    item.prepend(tEl("span", T("page-emotion", { emotion, percent }), "tag emotion"));
  }
  const songs = reply.songs || [];
  if (songs.length) {
    if (pickable) {
      setPicks(false); // an older list's numbers no longer mean these songs
      mood.picks = [];
    }
    const list = el("ol", null, "songs");
    songs.forEach((song, i) => {
      const choice = pickable ? (reply.choices && reply.choices[i]) || `#${i + 1}` : null;
      list.append(songCard(song, i + 1, choice));
    });
    item.append(list);
    addToPlaylist(songs);
  }
  if (reply.policy) setPolicy(reply.policy);
  return item;
}

function setPolicy(policy) {
  for (const radio of document.querySelectorAll("input[name=mood-policy]")) {
    radio.checked = radio.value === policy;
  }
}

async function moodSend(text) {
  moodBubble("me", text);
  $("mood-waiting").hidden = false;
  try {
    const reply = await call("POST", "/api/mood/message", { text });
    if (reply.crisis) showCrisis(reply.text);
    drawMoodReply(reply, true);
  } finally {
    $("mood-waiting").hidden = true;
  }
}

async function moodPick(number, label) {
  setPicks(false);
  moodBubble("me", label);
  $("mood-waiting").hidden = false;
  try {
    const reply = await call("POST", "/api/mood/pick", { choice: number });
    const before = mood.picks;
    drawMoodReply(reply, true);
    if (mood.picks === before) setPicks(true); // no new list: the old numbers still hold
  } catch (err) {
    setPicks(true);
  } finally {
    $("mood-waiting").hidden = true;
  }
}

async function loadMood() {
  if (mood.loaded) return;
  mood.loaded = true;
  const data = await call("GET", "/api/mood/history").catch(() => null);
  if (!data) {
    mood.loaded = false;
    return;
  }
  $("mood-thread").replaceChildren();
  mood.picks = [];
  const turns = data.turns || [];
  let current = -1;
  turns.forEach((turn, i) => { if (turn.songs && turn.songs.length) current = i; });
  turns.forEach((turn, i) => {
    moodBubble("me", turn.user);
    drawMoodReply({
      text: turn.reply,
      emotion: turn.emotion,
      score: turn.score,
      songs: turn.songs,
      crisis: turn.kind === "crisis",
    }, i === current);
  });
  setPolicy(data.policy);
  const last = turns[turns.length - 1];
  if (last && last.kind === "crisis") showCrisis(last.reply);
}

function addToPlaylist(songs) {
  for (const song of songs) {
    if (!song.audio || !AUDIO_PATH_RE.test(song.audio)) continue;
    if (mood.playlist.some((s) => s.id === song.id)) continue;
    mood.playlist.push(song);
  }
  trimPlaylist();
  drawPlaylist();
}

function trimPlaylist() {
  while (mood.playlist.length > PLAYLIST_MAX) {
    const oldest = mood.playing === 0 ? 1 : 0;
    mood.playlist.splice(oldest, 1);
    if (oldest < mood.playing) mood.playing -= 1;
  }
}

function drawPlaylist() {
  const list = $("playlist");
  list.replaceChildren();
  mood.playlist.forEach((song, i) => {
    const item = el("li", null, i === mood.playing ? "playing" : "");
    const button = el("button", `${song.title} · ${song.artist}`, "link");
    button.type = "button";
    button.addEventListener("click", () => playSong(song));
    item.append(button);
    list.append(item);
  });
  $("playlist-empty").hidden = mood.playlist.length > 0;
}

function playSong(song) {
  if (!song.audio || !AUDIO_PATH_RE.test(song.audio)) return;
  if (crisisShown()) return;
  let index = mood.playlist.findIndex((s) => s.id === song.id);
  if (index < 0) {
    mood.playlist.push(song);
    index = mood.playlist.length - 1;
  }
  mood.playing = index;
  trimPlaylist();
  const player = $("mood-audio");
  player.src = song.audio;
  player.play().catch(() => {});
  say($("now-playing"), T("page-now-playing", { title: song.title, artist: song.artist }));
  drawPlaylist();
}


function wireMood() {
  onSubmit("mood-form", async (form) => {
    const text = form.elements.text.value.trim();
    if (!text) return;
    form.reset();
    await moodSend(text);
  });
  for (const radio of document.querySelectorAll("input[name=mood-policy]")) {
    radio.addEventListener("change", async () => {
      if (!radio.checked) return;
      const reply = await call("POST", "/api/mood/policy", { policy: radio.value }).catch(() => null);
      if (reply) drawMoodReply(reply, false);
    });
  }
  $("mood-forget").addEventListener("click", () => busy($("mood-forget"), async () => {
    if (!confirm(t("page-mood-forget-confirm"))) return;
    await call("POST", "/api/mood/forget", {});
    $("mood-thread").replaceChildren();
    $("mood-crisis").hidden = true;
    mood.picks = [];
    setPolicy("match");
    moodBubble("bot", T("page-mood-forgotten"));
  }));
  $("mood-crisis-close").addEventListener("click", () => { $("mood-crisis").hidden = true; });
  $("mood-audio").addEventListener("play", () => {
    if (crisisShown()) $("mood-audio").pause();
  });
  $("mood-audio").addEventListener("ended", () => {
    if (mood.playing + 1 < mood.playlist.length) playSong(mood.playlist[mood.playing + 1]);
  });
}


// --- lyrics ------------------------------------------------------------------------------------

const lyrics = { last: null, timer: null, asked: null };

async function suggestArtists() {
  const q = $("lyrics-artist").value.trim();
  if (q === lyrics.asked) return;
  lyrics.asked = q;
  let data = null;
  try {
    const response = await fetch(`/api/lyrics/artists?q=${encodeURIComponent(q)}`,
      { credentials: "same-origin" });
    data = response.ok ? await response.json() : null;
  } catch (err) {
    data = null;
  }
  if (!data || lyrics.asked !== q) return;
  const list = $("lyrics-artists");
  list.replaceChildren();
  for (const name of data.artists || []) {
    const option = document.createElement("option");
    option.value = name;
    list.append(option);
  }
}


function drawSong(song) {
  plain($("lyrics-title"), song.title);
  const language = LANGUAGE_NAMES[song.language] ? T(LANGUAGE_NAMES[song.language]) : song.language;
  facts($("lyrics-meta"), [
    T("page-song-style", { artist: song.artist }),
    language,
    song.rejected ? T("page-song-rejected", { count: song.rejected }) : null,
    song.cut ? T("page-song-cut") : null,
  ]);
  const box = $("lyrics-sections");
  box.replaceChildren();
  for (const section of song.sections || []) {
    const part = el("section", null, "song-section");
    part.append(el("h3", `[${section.name}]`));
    for (const line of section.lines) part.append(el("p", line, "song-line"));
    box.append(part);
  }
  $("lyrics-song").hidden = false;
}

async function writeSong(body) {
  $("lyrics-error").hidden = true;
  $("lyrics-waiting").hidden = false;
  try {
    const song = await call("POST", "/api/lyrics/write", body);
    lyrics.last = body;
    drawSong(song);
    $("lyrics-song").scrollIntoView({ block: "nearest" });
  } catch (err) {
    if (err && err.data && err.data.code === "web-lyrics-no-artists") {
      showImport(true); // nothing imported yet: the import panel says how
    }
    if (err && err.spec) {
      say($("lyrics-error"), err.spec);
      $("lyrics-error").hidden = false;
    }
    throw err;
  } finally {
    $("lyrics-waiting").hidden = true;
  }
}

// --- lyrics: importing an artist (the panel at the top of the tab) ---------------------------

function showImport(fresh) {
  $("lyrics-fresh").hidden = !fresh;
  $("lyrics-import").open = true;
}

// A fresh install (no artist imported yet) opens the panel with its welcome.
async function checkArtists() {
  let data = null;
  try {
    const response = await fetch("/api/lyrics/artists?q=", { credentials: "same-origin" });
    data = response.ok ? await response.json() : null;
  } catch (err) {
    data = null;
  }
  if (data && (data.artists || []).length === 0) showImport(true);
}

function drawImported(answer) {
  const box = $("import-done");
  box.replaceChildren(tEl("p", M(answer)));
  const skipped = answer.skipped_songs || [];
  if (skipped.length) {
    const list = el("ul");
    for (const item of skipped) {
      list.append(tEl("li", T("page-import-skipped", { song: item.song, reason: { m: item.reason } })));
    }
    box.append(list);
  }
  box.hidden = false;
}

async function importArtist(form) {
  const data = formData(form);
  $("import-error").hidden = true;
  $("import-done").hidden = true;
  let response = null;
  let answer = null;
  try {
    response = await fetch("/api/lyrics/import", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ artist: data.artist, text: data.text }),
    });
    answer = await response.json().catch(() => null);
  } catch (err) {
    response = null;
  }
  // 409: every song was there already; the artist is ready all the same.
  if (!response || !answer || (!response.ok && response.status !== 409)) {
    say($("import-error"), response ? answerText(answer, response.status) : T("page-unreachable"));
    $("import-error").hidden = false;
    return;
  }
  drawImported(answer);
  $("toast").hidden = true; // an earlier "no artist yet" is answered now
  if (response.ok) $("import-text").value = "";
  $("lyrics-fresh").hidden = true;
  $("lyrics-error").hidden = true;
  $("lyrics-artist").value = answer.artist;
  lyrics.asked = null; // the autocomplete asks again: the new name is in it
  suggestArtists();
  document.querySelector("#lyrics-form [name=theme]").focus();
}

function wireLyrics() {
  const input = $("lyrics-artist");
  input.addEventListener("input", () => {
    clearTimeout(lyrics.timer);
    lyrics.timer = setTimeout(suggestArtists, 200);
  });
  input.addEventListener("focus", suggestArtists);
  onSubmit("lyrics-form", (form) => {
    const data = formData(form);
    return writeSong({
      artist: data.artist,
      theme: data.theme || null,
      lines: data.lines ? Number(data.lines) : null,
      language: data.language || null,
    });
  });
  $("lyrics-again").addEventListener("click", () => {
    if (lyrics.last) busy($("lyrics-again"), () => writeSong(lyrics.last));
  });
  onSubmit("import-form", importArtist);
  checkArtists();
}

// --- more: simple commands (text in, text out), one form each --------------------------------

// The server's simple commands, in the reader's language; the "More" tab shows only when there
// are some. Called again after a language switch: the forms stay (with what was typed in them).
async function loadCommands() {
  let data = null;
  try {
    const response = await fetch("/api/commands", { credentials: "same-origin" });
    data = response.ok ? await response.json() : null;
  } catch (err) {
    data = null;
  }
  if (!data && $("commands").children.length) return; // keep the forms already there
  const commands = (data && data.commands) || [];
  const shown = new Map([...$("commands").children].map((form) => [form.dataset.command, form]));
  $("commands").replaceChildren(...commands.map((command) => {
    const form = shown.get(command.name) || commandForm(command);
    describeCommand(form, command);
    return form;
  }));
  $("more-tab").hidden = commands.length === 0;
}

function commandForm(command) {
  const form = el("form", null, "stack wide command-form");
  form.autocomplete = "off";
  form.dataset.command = command.name;
  const input = document.createElement("input");
  input.name = "text";
  const label = el("label");
  label.append(el("span", null, "label-text"), " ", input);
  const button = tEl("button", T("page-send"));
  button.type = "submit";
  const waiting = tEl("p", T("page-norae-writing"), "notice");
  waiting.hidden = true;
  const answer = el("p", null, "answer");
  answer.hidden = true;
  answer.setAttribute("role", "status");
  form.append(el("h3", command.name), el("p", null, "muted"), label, button, waiting, answer);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(button, async () => {
      answer.hidden = true;
      waiting.hidden = false;
      try {
        const path = `/api/commands/${encodeURIComponent(command.name)}`;
        const result = await call("POST", path, { text: input.value, room: state.room });
        answer.textContent = result.text;
        answer.hidden = false;
      } finally {
        waiting.hidden = true;
      }
    });
  });
  return form;
}

// What a command's form says (the server's texts) and the text it takes.
function describeCommand(form, command) {
  form.querySelector("p.muted").textContent = command.description;
  form.querySelector(".label-text").textContent = command.text_label;
  const input = form.elements.text;
  input.maxLength = command.max_text_chars;
  input.required = command.text_required;
  if (command.text_required) {
    delete input.dataset.tPlaceholder;
    input.removeAttribute("placeholder");
  } else {
    sayAttr(input, "placeholder", T("page-optional"));
  }
}

// The server's limits: the forms offer what it accepts.
async function loadConfig() {
  let config = null;
  try {
    const response = await fetch("/api/config", { credentials: "same-origin" });
    config = response.ok ? await response.json() : null;
  } catch (err) {
    config = null;
  }
  if (!config) return;
  state.config = config;
  const { lyrics: song, relay } = config;
  const lines = document.querySelector("#lyrics-form [name=lines]");
  lines.min = String(song.lines_min);
  lines.max = String(song.lines_max);
  sayAttr(lines, "placeholder", T("page-lyrics-lines-range",
    { default: song.lines_default, min: song.lines_min, max: song.lines_max }));
  document.querySelector("#lyrics-form [name=theme]").maxLength = song.theme_max_chars;
  const kb = Math.floor(song.import_max_bytes / 1000);
  say($("import-limits"), T("page-import-limits", { kb, songs: song.import_max_songs }));
  $("import-limits").hidden = false;
  document.querySelector("#write-form [name=text]").maxLength = relay.max_line_chars;
  document.querySelector("#continue-form [name=keyword]").maxLength = relay.keyword_max_chars;
  if (state.data && state.data.round) drawRound();
}

async function health() {
  try {
    const report = await (await fetch("/healthz")).json();
    const workers = (report.workers || []).length;
    say($("health"), T(report.redis ? "page-health-up" : "page-health-down", { workers }));
  } catch (err) {
    say($("health"), T("page-unreachable"));
  }
}

// The page's texts (the reader's choice, else the server's from the browser's languages). What
// is drawn before they come is filled in when they do; without them the page still works.
async function start() {
  const chosen = storedLanguage();
  if (chosen) rememberLanguage(chosen); // the server's own answers follow the choice
  try {
    if (await loadTexts(chosen)) applyLanguage();
  } catch (err) {
    applyLanguage(); // no texts: the switch still shows which language the page means
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("nick").value = localStorage.getItem("norae.nick") || "";
  wire();
  wireMood();
  wireLyrics();
  start(); // first: the language cookie it sets goes with the requests below
  loadConfig();
  loadCommands();
  join(roomFromUrl());
  health();
  setInterval(health, 30000);
});
