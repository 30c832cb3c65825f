/* binhdan web chat: plain JavaScript for cheap Android browsers; no external libraries. */
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
  var polling = false;
  try { if (localStorage.getItem("binhdan.big") === "1") { setBig(true); } } catch (e) { /* ignore */ }

  function setBig(on) {
    document.documentElement.className = on ? "big" : "";
    big.setAttribute("aria-pressed", on ? "true" : "false");
    try { localStorage.setItem("binhdan.big", on ? "1" : "0"); } catch (e) { /* ignore */ }
  }
  big.addEventListener("click", function () { setBig(document.documentElement.className !== "big"); });

  function add(cls, text) {
    var div = document.createElement("div");
    div.className = "msg " + cls;
    var parts = String(text).split("**");  /* **bold** in guides; text nodes only, never HTML */
    if (parts.length % 2 === 0) { parts = [String(text)]; }
    parts.forEach(function (p, i) {
      if (i % 2) { var b = document.createElement("b"); b.textContent = p; div.appendChild(b); }
      else { div.appendChild(document.createTextNode(p)); }
    });
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }

  function render(reply) {
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
    if (reply.buttons && reply.buttons.length) {
      var row = document.createElement("div");
      row.className = "buttons";
      reply.buttons.forEach(function (b) {
        var btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.title;
        btn.setAttribute("data-action", b.action);
        btn.addEventListener("click", function () { add("me", b.title); send({ action: b.action }); });
        row.appendChild(btn);
      });
      log.appendChild(row);
    }
    log.scrollTop = log.scrollHeight;
  }

  function send(payload) {
    payload.message_id = "m" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    var wait = add("bot wait", "…");
    if (canStream && payload.text) { stream(payload, wait); } else { post(payload, wait); }
  }

  /* A message that was not answered: say why (the server's own words when it sent some, e.g. "too fast,
     wait N seconds" with a 429) and put the unsent text back in the box, so nothing has to be typed again. */
  function failed(wait, payload, message) {
    wait.className = "msg bot";
    wait.textContent = message || "Mạng chậm hoặc mất kết nối. Bạn hãy thử gửi lại.";
    if (payload && payload.text && !input.value) { input.value = payload.text; }
  }

  function post(payload, wait, retried) {
    fetch("/api/chat", { method: "POST", headers: { "Content-Type": "application/json" },
                         credentials: OPTS.credentials, body: JSON.stringify(payload) })
      .then(function (r) {
        if (r.status === 401 && !retried) { post(payload, wait, true); return null; }
        if (r.ok) { return r.json(); }
        return r.json().catch(function () { return {}; }).then(function (body) {
          var err = new Error("HTTP " + r.status);
          err.said = (body && typeof body.message === "string") ? body.message : "";
          throw err;
        });
      })
      .then(function (data) {
        if (!data) { return; }
        log.removeChild(wait); data.replies.forEach(render); startPolling();
      })
      .catch(function (err) { failed(wait, payload, (err && err.said) || ""); });
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
        log.scrollTop = log.scrollHeight;
      } else if (kind === "replies") {
        finished = true;
        log.removeChild(wait);
        JSON.parse(data).replies.forEach(render);
        startPolling();
      } else if (kind === "error") {
        finished = true;
        failed(wait, payload);
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
      .catch(function () { if (!finished) { post(payload, wait); } });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = input.value.replace(/^\s+|\s+$/g, "");
    if (!text) { return; }
    add("me", text);
    input.value = "";
    send({ text: text });
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
      .then(function (data) { data.replies.forEach(render); if (polling) { setTimeout(poll, 300); } })
      .catch(function () { setTimeout(poll, 5000); });
  }

  /* Voice (issue 23): hold-to-talk is hard on old phones, so one press starts and a second press sends.
     Shown only when the server can listen (GET /api/chat/features) and the browser can record. */
  var mic = document.getElementById("mic");
  var recorder = null;
  var chunks = [];
  var stopTimer = null;
  function sendRecording(blob) {
    add("me", "🎤 …");
    fetch("/api/chat/voice", { method: "POST", credentials: "same-origin",
                               headers: { "Content-Type": (blob.type || "audio/webm").split(";")[0] }, body: blob })
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (b) { return [r, b]; }); })
      .then(function (rb) {
        if (!rb[0].ok) { add("bot", rb[1].message || "Không gửi được tin nhắn giọng nói."); return; }
        (rb[1].replies || []).forEach(render);
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

  send({ action: "start" });
})();
