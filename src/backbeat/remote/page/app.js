// Backbeat remote: pair once, then drive the class. Plain JavaScript, no build
// step, nothing fetched from outside this station.
"use strict";
(function () {
  const TOKEN_KEY = "backbeat.remote.token";
  const $ = (id) => document.getElementById(id);
  let token = localStorage.getItem(TOKEN_KEY) || "";
  let state = null;
  let socket = null;
  let retry = 0;

  function show(section) {
    for (const id of ["pair", "picker", "control"]) $(id).hidden = id !== section;
  }

  function say(id, text) { $(id).textContent = text || ""; }

  async function api(method, path, body) {
    const headers = { "Content-Type": "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    const response = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined,
                                         cache: "no-store" });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (response.status === 401) { forget(); throw new Error(data.error || "not paired"); }
    if (!response.ok) throw new Error(data.error || ("the station answered " + response.status));
    return data;
  }

  function forget() {
    token = "";
    localStorage.removeItem(TOKEN_KEY);
    if (socket) socket.close();
    show("pair");
  }

  async function pair(code) {
    say("pair-message", "");
    try {
      const data = await api("POST", "/api/pair", { code, name: deviceName() });
      token = data.token;
      localStorage.setItem(TOKEN_KEY, token);
      history.replaceState(null, "", "/");
      connect();
    } catch (e) {
      say("pair-message", e.message);
    }
  }

  function deviceName() {
    const ua = navigator.userAgent;
    const m = ua.match(/\(([^;)]+)/);
    return (m ? m[1] : "phone").slice(0, 60);
  }

  function render(s) {
    state = s;
    if (s.state === "idle" || s.choosing) {
      show("picker");
      loadClasses();
      return;
    }
    show("control");
    $("exercise").textContent = s.exercise || "—";
    $("set").textContent = s.set || "";
    $("rep").textContent = s.rep || "";
    $("side").textContent = s.side || "";
    $("phase").textContent = s.state === "paused" ? "PAUSED" : (s.state === "ready" ? "READY" : s.phase);
    $("countdown").textContent = String(s.seconds_left);
    $("next").textContent = s.next ? "Next: " + s.next : "";
    const toggle = $("toggle");
    const running = s.state === "running";
    toggle.textContent = running ? "PAUSE" : (s.state === "ready" ? "START" : "RESUME");
    toggle.dataset.command = running ? "pause" : "resume";
    const ended = s.state === "ended";
    for (const id of ["toggle", "back", "forward", "extend", "stop"]) $(id).disabled = ended;
    document.body.dataset.state = s.state;
  }

  let classesShown = false;
  async function loadClasses() {
    if (classesShown) return;
    classesShown = true;
    try {
      const data = await api("GET", "/api/classes");
      const list = $("class-list");
      list.replaceChildren();
      for (const c of data.classes) {
        const b = document.createElement("button");
        b.className = "big";
        b.textContent = c.program + " · day " + c.day + (c.name ? " — " + c.name : "");
        b.addEventListener("click", () => start(c.program, c.day));
        list.appendChild(b);
      }
      if (!data.classes.length) say("picker-message", "No programs on this station yet.");
    } catch (e) {
      classesShown = false;
      say("picker-message", e.message);
    }
  }

  async function start(program, day) {
    say("picker-message", "");
    try { render(await api("POST", "/api/start", { program, day })); classesShown = false; }
    catch (e) { say("picker-message", e.message); }
  }

  async function command(name) {
    say("control-message", "");
    const body = { command: name };
    if (name === "extend") body.seconds = 15;
    try { render(await api("POST", "/api/command", body)); }
    catch (e) { say("control-message", e.message); }
  }

  function connect() {
    if (!token) { show("pair"); return; }
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/live";
    socket = new WebSocket(url);
    socket.onopen = () => { socket.send(JSON.stringify({ token })); };
    socket.onmessage = (event) => {
      const data = JSON.parse(event.data);
      if (data.error) { forget(); say("pair-message", data.error); return; }
      retry = 0;
      linkUp(true);
      render(data);
    };
    socket.onclose = (event) => {
      linkUp(false);
      if (event.code === 4401) { forget(); return; }
      retry = Math.min(retry + 1, 5);
      setTimeout(connect, 400 * retry);
    };
  }

  function linkUp(up) {
    const el = $("link");
    el.textContent = up ? "● live with the TV" : "⚠ reconnecting to the TV…";
    el.classList.toggle("down", !up);
  }

  $("pair-form").addEventListener("submit", (e) => { e.preventDefault(); pair($("code").value.trim()); });
  for (const id of ["toggle", "back", "forward", "extend"]) {
    $(id).addEventListener("click", () => command($(id).dataset.command));
  }
  $("stop").addEventListener("click", () => { $("confirm").hidden = false; });
  $("confirm-no").addEventListener("click", () => { $("confirm").hidden = true; });
  $("confirm-yes").addEventListener("click", () => { $("confirm").hidden = true; command("stop"); });

  const fromQr = location.hash.match(/pair=([0-9]{6})/);
  if (fromQr && !token) { $("code").value = fromQr[1]; pair(fromQr[1]); }
  else if (token) connect();
  else show("pair");
})();
