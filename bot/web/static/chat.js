/* binhdan web chat: plain JavaScript for cheap Android browsers; no external libraries.
   Issue 26: each answer is shown from its first line; long texts fold behind "Xem tiếp"; a reload brings the
   conversation back from the server (GET /api/chat/history); buttons of past turns are taken away; messages
   typed without network wait as "đang gửi…" and go once when it is back (the same message_id on every try,
   which the server de-duplicates); the keyboard never covers the newest message. */
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("form");
  var input = document.getElementById("text");
  var big = document.getElementById("bigtext");
  /* The session is issued by the server and kept in an HttpOnly cookie (path /api/chat) that this script
     never sees: the first message starts it, a reload keeps it. An expired one gets 401 and a cleared
     cookie; the message is then sent once more and starts a new session. */
  try { localStorage.removeItem("binhdan.session"); } catch (e) { /* old pages kept an id here */ }
  var OPTS = { credentials: "same-origin" };
  var PENDING_KEY = "binhdan.pending";
  var polling = false;

  /* ---- text size: "Chữ to" / "Chữ nhỏ", remembered ------------------------------------------------ */
  function setBig(on) {
    document.documentElement.classList.toggle("big", on);
    big.setAttribute("aria-pressed", on ? "true" : "false");
    big.textContent = on ? "Chữ nhỏ" : "Chữ to";
    try { localStorage.setItem("binhdan.big", on ? "1" : "0"); } catch (e) { /* ignore */ }
  }
  try { if (localStorage.getItem("binhdan.big") === "1") { setBig(true); } } catch (e) { /* ignore */ }
  big.addEventListener("click", function () { setBig(!document.documentElement.classList.contains("big")); });

  /* ---- drawing messages ------------------------------------------------------------------------------ */
  function inline(parent, text) {  /* **bold** in guides; text nodes only, never HTML */
    var parts = String(text).split("**");
    if (parts.length % 2 === 0) { parts = [String(text)]; }
    parts.forEach(function (p, i) {
      if (i % 2) { var b = document.createElement("b"); b.textContent = p; parent.appendChild(b); }
      else { parent.appendChild(document.createTextNode(p)); }
    });
  }

  function add(cls, text) {
    var div = document.createElement("div");
    div.className = "msg " + cls;
    inline(div, text);
    log.appendChild(div);
    return div;
  }

  var turnStart = null;  /* the newest turn's first message: what the reader should see first */
  function toBottom() { log.scrollTop = log.scrollHeight; }
  /* The first line of `el` at the top of the visible conversation (not its end). */
  function toStart(el) { log.scrollTop = Math.max(0, el.offsetTop - 6); }

  /* A long text shows its first lines (the direct answer and the first numbered steps) and a trailing
     question, with "Xem tiếp" for the rest; `share` is how much of the visible conversation it may take. */
  function fold(div, text, share) {
    var budget = log.clientHeight * share;
    if (!budget || div.offsetHeight <= budget * 1.2) { return; }
    var lines = String(text).split("\n");
    var tail = lines.length > 2 && /\?\s*$/.test(lines[lines.length - 1]) ? 1 : 0;
    var body = lines.slice(0, lines.length - tail);
    var steps = 0, prefer = body.length - 1;
    for (var i = 0; i < body.length; i++) {  /* stop after the third step of the first list */
      if (/^\s*\d+[.)]\s/.test(body[i]) && ++steps === 3) { prefer = Math.min(prefer, i + 1); break; }
    }
    var head = document.createElement("span"), more = document.createElement("span");
    var end = document.createElement("span"), btn = document.createElement("button");
    more.hidden = true;
    btn.type = "button"; btn.className = "more-btn"; btn.textContent = "Xem tiếp ▾";
    btn.setAttribute("aria-expanded", "false");
    btn.addEventListener("click", function () {
      var open = more.hidden;
      more.hidden = !open;
      btn.textContent = open ? "Thu gọn ▴" : "Xem tiếp ▾";
      btn.setAttribute("aria-expanded", open ? "true" : "false");
    });
    var extras = [];
    while (div.firstChild) { extras.push(div.removeChild(div.firstChild)); }
    extras = extras.filter(function (n) { return n.nodeType === 1 && n.tagName !== "B"; });  /* sources, picture */
    div.appendChild(head); div.appendChild(btn); div.appendChild(more); div.appendChild(end);
    if (tail) { inline(end, lines[lines.length - 1]); }
    extras.forEach(function (n) { div.appendChild(n); });
    function cut(k) {
      while (k > 1 && !body[k - 1].replace(/\s/g, "")) { k--; }  /* no blank line before the button */
      head.textContent = ""; more.textContent = "";
      inline(head, body.slice(0, k).join("\n"));
      inline(more, body.slice(k).join("\n").replace(/^\n+/, "") + (tail ? "\n" : ""));
    }
    var k = Math.max(1, prefer);
    for (; k > 1; k--) { cut(k); if (div.offsetHeight <= budget) { break; } }
    cut(k);
  }

  /* Buttons of past turns are taken away (the choice stays as the reader's own message). */
  function retireButtons() {
    Array.prototype.forEach.call(log.querySelectorAll(".buttons"), function (row) { row.parentNode.removeChild(row); });
  }

  function render(reply, share) {
    var div = add("bot", reply.text);
    (reply.sources || []).forEach(function (s) {
      if (!s.url) { return; }
      var span = document.createElement("span");
      span.className = "src";
      var a = document.createElement("a");
      a.href = s.url; a.target = "_blank"; a.rel = "noopener";
      a.textContent = s.title;
      span.appendChild(document.createTextNode("Nguồn: "));
      span.appendChild(a);
      div.appendChild(span);
    });
    if (reply.image && /^(\/|https?:\/\/)/.test(reply.image)) {  /* a certificate: the picture, linked */
      var link = document.createElement("a");
      link.href = reply.image; link.target = "_blank"; link.rel = "noopener"; link.className = "cert";
      var img = document.createElement("img");
      img.src = reply.image; img.alt = "Giấy chứng nhận"; img.style.maxWidth = "100%";
      link.appendChild(img);
      div.appendChild(link);
    }
    if (reply.audio && /^\/voice\/clips\/[A-Za-z0-9_-]+\.ogg$/.test(reply.audio)) {  /* an answer read aloud */
      var player = document.createElement("audio");
      player.controls = true; player.preload = "auto"; player.src = reply.audio; player.className = "voice";
      div.appendChild(player);
    }
    fold(div, reply.text, share || 0.75);
    if (reply.buttons && reply.buttons.length) {
      var row = document.createElement("div");
      row.className = "buttons";
      reply.buttons.forEach(function (b) {
        var btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.title;
        btn.setAttribute("data-action", b.action);
        btn.addEventListener("click", function () {
          if (btn.disabled) { return; }  /* a double tap sends once */
          Array.prototype.forEach.call(row.querySelectorAll("button"), function (x) { x.disabled = true; });
          queue({ action: b.action }, b.title);
        });
        row.appendChild(btn);
      });
      log.appendChild(row);
    }
    return div;
  }

  /* One turn of replies: drawn, then the first of them shown from its first line. */
  function showTurn(replies) {
    if (!replies.length) { return; }
    var many = replies.filter(function (r) { return String(r.text).length > 200; }).length > 1;
    var first = null;
    replies.forEach(function (r) {
      var d = render(r, many || r.kind === "notice" ? 0.28 : 0.75);
      first = first || d;
    });
    turnStart = first;
    toStart(first);
  }

  /* ---- sending, with a queue that survives a dropped connection and a reload -------------------------- */
  var pending = [];
  try { pending = JSON.parse(localStorage.getItem(PENDING_KEY) || "[]") || []; } catch (e) { pending = []; }
  function savePending() {
    try { localStorage.setItem(PENDING_KEY, JSON.stringify(pending.map(function (p) { return p.item; }))); }
    catch (e) { /* ignore */ }
  }
  var busy = false, retryTimer = null;

  function newId() { return "m" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8); }

  /* `title` is what the reader sees as their own message (the text, or the button's title). */
  function queue(payload, title, silent) {
    payload.message_id = payload.message_id || newId();
    retireButtons();
    var bubble = silent ? null : add("me", title);
    var entry = { item: { payload: payload, title: title, silent: !!silent }, bubble: bubble, state: null };
    pending.push(entry);
    if (!silent) { savePending(); }
    if (bubble) { turnStart = bubble; toBottom(); }
    flush();
  }

  function markSending(entry, on) {
    if (!entry.bubble) { return; }
    if (on && !entry.state) {
      entry.state = document.createElement("span");
      entry.state.className = "state";
      entry.state.textContent = "đang gửi…";
      entry.bubble.appendChild(entry.state);
    } else if (!on && entry.state) {
      entry.bubble.removeChild(entry.state); entry.state = null;
    }
  }

  function flush() {
    if (busy || !pending.length) { return; }
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
    var entry = pending[0];
    if (navigator.onLine === false) { pending.forEach(function (e) { markSending(e, true); }); return; }
    busy = true;
    var wait = add("bot wait", "…");
    toBottom();
    deliver(entry.item.payload, wait).then(function (replies) {
      busy = false;
      if (wait.parentNode) { log.removeChild(wait); }
      pending.shift(); savePending(); markSending(entry, false);
      showTurn(replies);
      startPolling();
      flush();
    }, function (err) {
      busy = false;
      if (err && err.network) {  /* no network: keep it, say "đang gửi…", try again when it is back */
        if (wait.parentNode) { log.removeChild(wait); }
        pending.forEach(function (e) { markSending(e, true); });
        retryTimer = setTimeout(flush, 5000);
        return;
      }
      pending.shift(); savePending(); markSending(entry, false);
      failed(wait, entry.item.payload, err && err.said);
      flush();
    });
  }
  window.addEventListener("online", flush);

  /* A message the server refused: say why (its own words when it sent some, e.g. "too fast, wait N
     seconds" with a 429) and put the unsent text back in the box, so nothing has to be typed again. */
  function failed(wait, payload, message) {
    wait.className = "msg bot";
    wait.textContent = message || "Chưa gửi được. Bạn hãy thử gửi lại.";
    if (payload && payload.text && !input.value) { input.value = payload.text; }
  }

  function netError() { var e = new Error("network"); e.network = true; return e; }

  function httpError(r) {
    return r.json().catch(function () { return {}; }).then(function (body) {
      var err = new Error("HTTP " + r.status);
      err.said = (body && typeof body.message === "string") ? body.message : "";
      if (r.status >= 500 || r.status === 409) { err.network = true; }  /* try again later, same id */
      throw err;
    });
  }

  function deliver(payload, wait) {
    if (canStream && payload.text) {
      return stream(payload, wait).catch(function () { return post(payload); });
    }
    return post(payload);
  }

  function post(payload, retried) {
    return fetch("/api/chat", { method: "POST", headers: { "Content-Type": "application/json" },
                                credentials: OPTS.credentials, body: JSON.stringify(payload) })
      .catch(function () { throw netError(); })
      .then(function (r) {
        if (r.status === 401 && !retried) { return post(payload, true); }
        if (r.ok) { return r.json().then(function (d) { return d.replies || []; }); }
        return httpError(r);
      });
  }

  /* Streaming, when the server has a language model write the answers: POST /api/chat/stream answers with
     server-sent events, "delta" (the draft, shown as it is written) then "replies" (the stored replies,
     which replace the draft). A broken stream falls back to POST /api/chat with the same message id,
     which hands back what was answered. */
  var canStream = false;
  if (window.ReadableStream && window.TextDecoder) {
    fetch("/api/chat/features", OPTS).then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (f) { canStream = !!(f && f.stream); }).catch(function () { /* no streaming */ });
  }

  function stream(payload, wait) {
    return new Promise(function (resolve, reject) {
      var draft = "", finished = false;
      function handle(block) {
        var kind = "message", data = "";
        block.split("\n").forEach(function (line) {
          if (line.indexOf("event:") === 0) { kind = line.slice(6).trim(); }
          else if (line.indexOf("data:") === 0) { data += line.slice(5).trim(); }
        });
        if (kind === "delta") {
          draft += JSON.parse(data).text;
          wait.textContent = draft;
          toStart(wait);
        } else if (kind === "replies") {
          finished = true; resolve(JSON.parse(data).replies);
        } else if (kind === "error") {
          finished = true; reject(new Error("stream error"));
        }
      }
      fetch("/api/chat/stream", { method: "POST", headers: { "Content-Type": "application/json" },
                                  credentials: OPTS.credentials, body: JSON.stringify(payload) })
        .then(function (r) {
          if (!r.ok || !r.body) { throw new Error(r.status); }
          var reader = r.body.getReader(), decoder = new TextDecoder(), buf = "";
          function pump() {
            return reader.read().then(function (res) {
              if (res.value) { buf += decoder.decode(res.value, { stream: true }); }
              var i;
              while (!finished && (i = buf.indexOf("\n\n")) >= 0) { handle(buf.slice(0, i)); buf = buf.slice(i + 2); }
              if (finished) { return; }
              if (res.done) { throw new Error("stream ended"); }
              return pump();
            });
          }
          return pump();
        })
        .catch(function (e) { if (!finished) { reject(e); } });
    });
  }

  function submit() {
    var text = input.value.replace(/^\s+|\s+$/g, "");
    if (!text) { return; }
    input.value = "";
    queue({ text: text }, text);
  }
  form.addEventListener("submit", function (ev) { ev.preventDefault(); submit(); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); submit(); }
  });

  /* Replies that arrive later (a volunteer's) for this session: GET /api/chat/updates, session from the
     cookie (never in the URL). Starts once the first answer has set the cookie. */
  function startPolling() { if (!polling) { polling = true; poll(); } }
  function poll() {
    fetch("/api/chat/updates?wait=25", OPTS)
      .then(function (r) {
        if (r.status === 401) { polling = false; return { replies: [] }; }  /* restarted by the next answer */
        return r.ok ? r.json() : { replies: [] };
      })
      .then(function (data) {
        if (data.replies.length) { retireButtons(); showTurn(data.replies); }
        if (polling) { setTimeout(poll, 300); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }

  /* ---- the keyboard: the visible area shrinks; keep the newest message in view ----------------------- */
  function keepNewest() {  /* the first line of the newest turn stays visible */
    var el = turnStart || log.lastElementChild;
    if (!el) { return; }
    if (el.offsetTop < log.scrollTop || el.offsetTop + 24 > log.scrollTop + log.clientHeight) { toStart(el); }
  }
  if (window.visualViewport) {
    window.visualViewport.addEventListener("resize", function () {
      document.body.style.height = window.visualViewport.height + "px";
      keepNewest();
    });
  }
  input.addEventListener("focus", function () { setTimeout(keepNewest, 300); });

  /* Voice (issue 23): hold-to-talk is hard on old phones, so one press starts and a second press sends.
     Shown only when the server can listen (GET /api/chat/features) and the browser can record. */
  var mic = document.getElementById("mic");
  var recorder = null;
  var chunks = [];
  var stopTimer = null;
  function sendRecording(blob) {
    retireButtons();
    turnStart = add("me", "🎤 …");
    toBottom();
    fetch("/api/chat/voice", { method: "POST", credentials: "same-origin",
                               headers: { "Content-Type": (blob.type || "audio/webm").split(";")[0] }, body: blob })
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (b) { return [r, b]; }); })
      .then(function (rb) {
        if (!rb[0].ok) { add("bot", rb[1].message || "Không gửi được tin nhắn giọng nói."); return; }
        showTurn(rb[1].replies || []);
        startPolling();
      })
      .catch(function () { add("bot", "Không gửi được tin nhắn giọng nói. Bạn gõ chữ nhé."); });
  }
  function stopRecording() {
    if (stopTimer) { clearTimeout(stopTimer); stopTimer = null; }
    if (recorder && recorder.state === "recording") { recorder.stop(); }
  }
  if (mic && window.MediaRecorder && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    fetch("/api/chat/features", OPTS).then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (f) { if (f && f.voice_in) { mic.hidden = false; } }).catch(function () { /* no voice */ });
    mic.addEventListener("click", function () {
      if (recorder && recorder.state === "recording") { stopRecording(); return; }
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        chunks = [];
        recorder = new MediaRecorder(stream);
        recorder.ondataavailable = function (e) { if (e.data && e.data.size) { chunks.push(e.data); } };
        recorder.onstop = function () {
          stream.getTracks().forEach(function (t) { t.stop(); });
          mic.setAttribute("aria-pressed", "false"); mic.textContent = "🎤";
          sendRecording(new Blob(chunks, { type: recorder.mimeType || "audio/webm" }));
        };
        recorder.start();
        mic.setAttribute("aria-pressed", "true"); mic.textContent = "■";
        stopTimer = setTimeout(stopRecording, 55000);  /* the server takes 60 s at most */
      }).catch(function () { add("bot", "Không dùng được micro. Bạn gõ chữ nhé."); });
    });
  }

  /* ---- start: the conversation so far from the server, or the greeting ------------------------------ */
  function restore(data) {
    var lines = data.messages || [];
    var lastMe = -1;
    lines.forEach(function (ln, i) { if (ln.who === "me") { lastMe = i; } });
    var first = null, known = {};
    lines.forEach(function (ln, i) {
      if (ln.who === "me") { add("me", ln.text); if (ln.message_id) { known[ln.message_id] = true; } return; }
      var d = render(ln, 0.75);
      if (i > lastMe && !first) { first = d; }
    });
    if (data.ticket) {
      var t = add("bot notice-ticket", "🕐 " + data.ticket.text);
      t.setAttribute("role", "status");
      first = first || t;
    }
    turnStart = first;
    if (first) { toStart(first); } else { toBottom(); }
    startPolling();
    return known;
  }

  function resume(known) {  /* messages typed before the reload that never reached the server */
    var left = pending;
    pending = [];
    left.forEach(function (p) {
      var item = p.item || p;
      if (item && item.payload && !known[item.payload.message_id]) { queue(item.payload, item.title, item.silent); }
    });
    savePending();
  }

  fetch("/api/chat/history?limit=20", OPTS)
    .then(function (r) { return r.ok ? r.json() : { messages: [] }; })
    .catch(function () { return { messages: [] }; })
    .then(function (data) {
      if (data.messages && data.messages.length) { resume(restore(data)); }
      else { resume({}); queue({ action: "start" }, "", true); }
    });
})();
