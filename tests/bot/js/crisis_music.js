// Runs the page script (bot/web/static/app.js) against a tiny fake DOM and checks that the crisis
// banner stops the music and keeps it stopped. Driven by tests/bot/test_web_crisis_page.py; prints
// one JSON object with what it observed.
"use strict";
const fs = require("fs");
const vm = require("vm");

class FakeElement {
  constructor(id) {
    this.id = id;
    this.hidden = id === "mood-crisis" || id === "mood-waiting";
    this.textContent = "";
    this.children = [];
    this.listeners = {};
    this.paused = true;
    this.plays = 0;
    this.src = "";
    this.className = "";
    this.disabled = false;
    this.elements = {};
    this.dataset = {};
  }
  addEventListener(type, fn) { (this.listeners[type] = this.listeners[type] || []).push(fn); }
  fire(type) { for (const fn of this.listeners[type] || []) fn({ preventDefault() {} }); }
  append(...nodes) { this.children.push(...nodes); }
  prepend(...nodes) { this.children.unshift(...nodes); }
  replaceChildren(...nodes) { this.children = nodes; }
  scrollIntoView() {}
  querySelector() { return new FakeElement("child"); }
  querySelectorAll() { return []; }
  pause() { this.paused = true; }
  play() { this.plays += 1; this.paused = false; this.fire("play"); return Promise.resolve(); }
  remove() {}
}

const elements = new Map();
const document = {
  getElementById(id) {
    if (!elements.has(id)) elements.set(id, new FakeElement(id));
    return elements.get(id);
  },
  createElement(tag) { return new FakeElement(tag); },
  querySelectorAll() { return []; },
  addEventListener() {},
};
let nextReply = null;
const context = vm.createContext({
  document,
  console,
  setTimeout,
  clearTimeout,
  setInterval() {},
  location: { hash: "", pathname: "/" },
  localStorage: { getItem() { return null; }, setItem() {} },
  fetch: async () => ({ ok: true, status: 200, json: async () => nextReply }),
});
vm.runInContext(fs.readFileSync(process.argv[2], "utf8"), context);

const check = `
(async () => {
  wireMood();
  const audio = $("mood-audio");
  const song = { id: "demo-1", title: "Song", artist: "Artist", audio: "/audio/demo-1" };
  const seen = {};
  playSong(song);
  seen.playingBefore = !audio.paused;
  setReply({ text: "109", crisis: true, songs: [], choices: [], emotion: "", score: 1 });
  await moodSend("죽고 싶어");
  seen.bannerShown = !$("mood-crisis").hidden;
  seen.pausedByBanner = audio.paused;
  playSong(song);
  seen.cardPlayRefused = audio.paused;
  audio.play();
  seen.controlsPlayStopped = audio.paused;
  audio.fire("ended");
  seen.playlistDidNotMoveOn = audio.paused;
  $("mood-crisis-close").fire("click");
  playSong(song);
  seen.playsAfterClose = !audio.paused;
  return seen;
})()`;
context.setReply = (reply) => { nextReply = reply; };
vm.runInContext(check, context).then((seen) => {
  process.stdout.write(JSON.stringify(seen));
});
