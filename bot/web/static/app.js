// norae web chat: one page, one room at a time. All user and model text goes in via textContent.
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

// --- small helpers -----------------------------------------------------------------------------

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

// Where the person last acted: a toast shows in the other half of the window, so it never
// covers the form they are using (the continue form, the write form…).
let lastAction = null;
document.addEventListener("click", (event) => { lastAction = event.target; }, true);
document.addEventListener("submit", (event) => { lastAction = event.target; }, true);

function toast(message) {
  const box = $("toast");
  const near = lastAction && lastAction.isConnected
    ? lastAction.closest("form, .round, .tools, .song-tools") || lastAction : null;
  const rect = near ? near.getBoundingClientRect() : null;
  const upper = rect && rect.height > 0 && rect.top + rect.height / 2 < window.innerHeight / 2;
  box.classList.toggle("below", Boolean(upper));
  box.textContent = message;
  box.hidden = false;
  box.onclick = () => { box.hidden = true; };
  clearTimeout(toast.t);
  toast.t = setTimeout(() => { box.hidden = true; }, 5000);
}

// The activity list, newest first; ``when`` in ms (a kept event's server time, else now).
function log(message, when = Date.now()) {
  const list = $("log");
  const item = el("li", `${new Date(when).toLocaleTimeString()} · ${message}`);
  item.dataset.at = String(when);
  const older = [...list.children].find((li) => Number(li.dataset.at) < when);
  list.insertBefore(item, older || null);
  while (list.children.length > LOG_MAX) list.lastChild.remove();
}

function nick() {
  const input = $("nick");
  let value = input.value.trim();
  if (!value) {
    value = `guest-${Math.random().toString(36).slice(2, 6)}`;
    input.value = value;
  }
  localStorage.setItem("norae.nick", value);
  return value;
}

function api(path) {
  return `/api/rooms/${encodeURIComponent(state.room)}${path}`;
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
    toast("The server cannot be reached.");
    throw err;
  }
  const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) {
    toast(data.error || `HTTP ${response.status}`);
    const error = new Error(data.error);
    error.data = data; // the whole answer: a ``code`` and ``messages`` in both languages
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
  if (!ROOM_RE.test(room)) { toast("A room name is 1-40 letters, digits, '-' or '_'."); return; }
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
  source.onopen = () => { $("live").textContent = "live"; };
  source.onerror = () => { $("live").textContent = "reconnecting…"; };
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
  writing(e) { clearTimeout(state.writingTimer); showWriting(`${e.by} asked the model to write…`); },
  // the one who asked gets the reason as a toast; the room sees it for a moment
  writing_failed(e) {
    showWriting(e.message || "");
    clearTimeout(state.writingTimer);
    state.writingTimer = setTimeout(() => showWriting(""), 5000);
  },
  round_opened(e) {
    showWriting("");
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
    case "story_started": return `${e.by} started “${(e.story && e.story.title) || "untitled"}”`;
    case "line_added": return `${e.line.author_name} wrote a line`;
    case "line_removed": return `${e.by} removed line ${e.line.number}`;
    case "round_opened": return `${e.by} ${e.reroll ? "rerolled the candidates" : "opened a vote"}`;
    case "round_closed": {
      // the server's closing text, in both languages as the page shows such texts (an event kept
      // from before the server sent one has no ``messages``: the page says it closed)
      const closed = e.messages ? bothTexts(e).replace("\n", " · ") : "투표 끝 · Vote closed";
      return e.line && e.winner ? `${closed} — “${e.line.text}”` : closed;
    }
    case "story_ended": return `${e.by} ended the story`;
    default: return null;
  }
}

function logEvent(event) {
  if (event.id) {
    if (state.seen.has(event.id)) return; // both kept and heard live
    state.seen.add(event.id);
  }
  const text = describe(event);
  if (text) log(text, typeof event.at === "number" ? event.at * 1000 : Date.now());
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

function showWriting(text) {
  $("writing").textContent = text;
  $("writing").hidden = !text;
}

// --- drawing -----------------------------------------------------------------------------------

async function refresh() {
  const room = state.room;
  const data = await call("GET", api("")).catch(() => null);
  if (!data || room !== state.room) return;
  state.data = data;
  draw();
}

function draw() {
  const { story } = state.data;
  $("no-story").hidden = Boolean(story);
  $("story").hidden = !story;
  if (!story) { drawRound(); return; }
  $("story-title").textContent = story.title || "Untitled";
  const meta = [story.genre, story.language, `started by ${story.created_by_name || "someone"}`,
    `${story.line_count} lines`].filter(Boolean);
  $("story-meta").textContent = meta.join(" · ");
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
    item.append(el("span", line.source === "model" ? "model" : line.author_name, "who"));
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
    const button = el("button", `Vote ${i + 1}`);
    button.type = "button";
    if (round.my_vote === i + 1) button.classList.add("voted");
    button.addEventListener("click", () => vote(round.id, i + 1, button));
    item.append(button, el("span", (round.counts || [])[i] || 0, "count"), el("span", text));
    return item;
  }));
  $("round-voters").textContent = `${round.voters || 0} voter(s) · round ${round.id}`;
  drawRerolls(round);
  const tick = () => {
    const left = Math.max(0, Math.round(round.deadline - Date.now() / 1000));
    $("round-timer").textContent = left > 0 ? `(${left} s left)` : "(closing…)";
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
  $("reroll-left").textContent = left === null ? ""
    : left > 0 ? `다시 뽑기 ${left}번 남음 · ${left} reroll(s) left`
      : "다시 뽑기를 다 썼어요 · No rerolls left";
}

function drawProposals() {
  const proposals = state.data.proposals || [];
  $("proposal-count").textContent = proposals.length;
  $("proposals").replaceChildren(...proposals.map((p) => {
    const item = el("li");
    const button = el("button", "Vote");
    button.type = "button";
    button.addEventListener("click", () => busy(button, () =>
      call("POST", api("/proposals/vote"), { proposal_id: p.id })));
    item.append(button, el("span", ` ${p.kind}: `), el("strong", p.value),
      el("span", ` · ${p.votes} vote(s) · by ${p.user_name}`, "muted"));
    return item;
  }));
}

async function loadArchive(page) {
  const data = await call("GET", api(`/stories?page=${page}`)).catch(() => null);
  if (!data) return;
  state.archivePage = page;
  const list = $("archive");
  if (page === 1) list.replaceChildren();
  if (!data.stories.length && page === 1) list.append(el("li", "none yet", "muted"));
  for (const story of data.stories) {
    const item = el("li");
    const link = el("a", story.title || "Untitled");
    link.href = `/stories/${encodeURIComponent(story.id)}`;
    item.append(link, el("span", ` · ${story.line_count} lines`, "muted"));
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
  $("pages-title").textContent = data.story.title || "Untitled";
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
  onSubmit("start-form", (form) => call("POST", api("/start"), { nick: nick(), ...formData(form) }));
  onSubmit("write-form", async (form) => {
    await call("POST", api("/write"), { nick: nick(), text: form.elements.text.value });
    form.reset();
  });
  onSubmit("continue-form", (form) => {
    const { keyword, length } = formData(form);
    showWriting("The model is writing…");
    return call("POST", api("/continue"), { nick: nick(), keyword: keyword || null, length: length || null })
      .finally(() => showWriting(""));
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
  click("end", () => (confirm("End and archive this story?")
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

const mood = { loaded: false, picks: [], playlist: [], playing: -1 };
const PLAYLIST_MAX = 50; // the oldest songs leave first (never the one playing)
const AUDIO_PATH_RE = /^\/audio\/[A-Za-z0-9_.-]+$/;
const WEB_LINK_RE = /^https?:\/\//i;

function moodBubble(who, text, extra) {
  const item = el("li", null, `bubble ${who}${extra ? ` ${extra}` : ""}`);
  item.append(el("p", text, "text"));
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
    const play = el("button", "▶ Play");
    play.type = "button";
    play.addEventListener("click", () => playSong(song));
    tools.append(play);
  }
  if (song.link && WEB_LINK_RE.test(song.link)) {
    const link = el("a", "Open ↗");
    link.href = song.link;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    tools.append(link);
  }
  if (choice) {
    const pick = el("button", `${choice} · more like this`, "pick");
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
  $("now-playing").textContent = "음악을 멈췄어요 · Music paused.";
  $("mood-crisis").scrollIntoView({ block: "start" });
}

// ``pickable``: the songs are the user's current list (numbered buttons pick from it).
function drawMoodReply(reply, pickable) {
  const item = moodBubble("bot", reply.text, reply.crisis ? "crisis" : "");
  if (reply.emotion && reply.score > 0) {
    item.prepend(el("span", `${reply.emotion} · ${Math.round(reply.score * 100)}%`, "tag emotion"));
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
  $("now-playing").textContent = `Now playing: ${song.title} · ${song.artist}`;
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
    if (!confirm("Delete everything norae keeps about you (messages, songs, settings)?")) return;
    await call("POST", "/api/mood/forget", {});
    $("mood-thread").replaceChildren();
    $("mood-crisis").hidden = true;
    mood.picks = [];
    setPolicy("match");
    moodBubble("bot", "Done: norae has forgotten everything about you.");
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
  $("lyrics-title").textContent = song.title;
  let meta = `in the style of ${song.artist} · ${song.language === "ko" ? "한국어" : "English"}`;
  if (song.rejected) meta += ` · ${song.rejected} draft(s) that copied the artist were rejected`;
  if (song.cut) meta += " · copied phrases were cut out";
  $("lyrics-meta").textContent = meta;
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
    const fresh = err && err.data && err.data.code === "web-lyrics-no-artists";
    if (fresh) showImport(true); // nothing imported yet: the import panel says how
    if (err && err.message) {
      $("lyrics-error").textContent = fresh ? bothTexts(err.data) : err.message;
      $("lyrics-error").hidden = false;
    }
    throw err;
  } finally {
    $("lyrics-waiting").hidden = true;
  }
}

// --- lyrics: importing an artist (the panel at the top of the tab) ---------------------------

// Korean, then English (once when they are the same): the page has no language switch yet.
function bothTexts(data) {
  const m = data && data.messages;
  if (!m) return (data && data.error) || "";
  return m.ko === m.en ? m.ko : `${m.ko}\n${m.en}`;
}

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
  box.replaceChildren(el("p", bothTexts(answer)));
  const skipped = answer.skipped_songs || [];
  if (skipped.length) {
    const list = el("ul");
    for (const item of skipped) {
      list.append(el("li", `${item.song}번째 노래: ${item.reason.ko} · song ${item.song}: ${item.reason.en}`));
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
    answer = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  } catch (err) {
    answer = { messages: { ko: "서버에 연결할 수 없어요.", en: "The server cannot be reached." } };
  }
  // 409: every song was there already; the artist is ready all the same.
  if (!response || (!response.ok && response.status !== 409)) {
    $("import-error").textContent = bothTexts(answer);
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

// The server's simple commands; the "More" tab shows only when there are some.
async function loadCommands() {
  let data = null;
  try {
    const response = await fetch("/api/commands", { credentials: "same-origin" });
    data = response.ok ? await response.json() : null;
  } catch (err) {
    data = null;
  }
  const commands = (data && data.commands) || [];
  $("commands").replaceChildren(...commands.map(commandForm));
  $("more-tab").hidden = commands.length === 0;
}

function commandForm(command) {
  const form = el("form", null, "stack wide command-form");
  form.autocomplete = "off";
  form.dataset.command = command.name;
  const input = document.createElement("input");
  input.name = "text";
  input.maxLength = command.max_text_chars;
  input.required = command.text_required;
  if (!command.text_required) input.placeholder = "선택 · optional";
  const label = el("label", `${command.text_label} `);
  label.append(input);
  const button = el("button", "보내기 · Send");
  button.type = "submit";
  const waiting = el("p", "norae가 쓰고 있어요… · norae is writing…", "notice");
  waiting.hidden = true;
  const answer = el("p", null, "answer");
  answer.hidden = true;
  answer.setAttribute("role", "status");
  form.append(el("h3", command.name), el("p", command.description, "muted"), label, button,
    waiting, answer);
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
  lines.placeholder = `기본 ${song.lines_default} · default ${song.lines_default} `
    + `(${song.lines_min}–${song.lines_max})`;
  document.querySelector("#lyrics-form [name=theme]").maxLength = song.theme_max_chars;
  const kb = Math.floor(song.import_max_bytes / 1000);
  $("import-limits").textContent = `한 번에 ${kb} KB, ${song.import_max_songs}곡까지 `
    + `· at most ${kb} KB and ${song.import_max_songs} songs an import`;
  $("import-limits").hidden = false;
  document.querySelector("#write-form [name=text]").maxLength = relay.max_line_chars;
  document.querySelector("#continue-form [name=keyword]").maxLength = relay.keyword_max_chars;
  if (state.data && state.data.round) drawRound();
}

async function health() {
  try {
    const report = await (await fetch("/healthz")).json();
    const workers = (report.workers || []).length;
    $("health").textContent = `Redis ${report.redis ? "up" : "down"} · ${workers} worker(s)`;
  } catch (err) {
    $("health").textContent = "server unreachable";
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("nick").value = localStorage.getItem("norae.nick") || "";
  wire();
  wireMood();
  wireLyrics();
  loadConfig();
  loadCommands();
  join(roomFromUrl());
  health();
  setInterval(health, 30000);
});
