// The volunteers' console: log in, live queue (polled), claim, read the context, reply (quick replies, a
// guide, pictures / PDF), close (+ FAQ proposal), presence. Every list item is a button (keyboard first).
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var csrf = "";
  var current = null;
  var me = null;
  var lastTyping = 0;

  function api(method, path, body, form) {
    var opts = { method: method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
    if (form) { opts.body = form; }
    else if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    if (method !== "GET") { opts.headers["X-CSRF-Token"] = csrf; }
    return fetch(path, opts).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) {
          var d = data.detail;
          var msg = typeof d === "string" ? d : (data.error || ("HTTP " + r.status));
          var e = new Error(r.status === 413 ? "Tệp quá lớn (tối đa 5 MB)." : msg); e.status = r.status; throw e;
        }
        return data;
      });
    });
  }

  function show(logged) { $("login").hidden = logged; $("app").hidden = !logged; }
  function fmt(iso) { return iso ? new Date(iso).toLocaleString("vi-VN") : ""; }
  function el(tag, text, cls) { var e = document.createElement(tag); if (text) { e.textContent = text; } if (cls) { e.className = cls; } return e; }
  function fail(e) { $("t-error").textContent = e.message; }

  var STATUS = { open: "Chờ nhận", claimed: "Đang hỗ trợ", closed: "Đã đóng", expired: "Hết hạn", cancelled: "Đã huỷ" };

  function renderQueue(list) {
    var ul = $("queue");
    var focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.id : null;
    ul.textContent = "";
    if (!list.length) { ul.appendChild(el("li", "Không có phiếu nào.")); return; }
    list.forEach(function (t) {
      var li = el("li", "", (t.priority === "urgent" ? "urgent" : "") + (current === t.id ? " sel" : ""));
      var b = el("button");
      b.type = "button";
      b.dataset.id = String(t.id);
      b.setAttribute("aria-current", current === t.id ? "true" : "false");
      b.textContent = "#" + t.id + " · " + (t.priority === "urgent" ? "KHẨN · " : "") + (STATUS[t.status] || t.status) +
        " · " + (t.commune_name || "chưa rõ xã") + " · " + fmt(t.created_at);
      b.addEventListener("click", function () { open(t.id).then(function () { $("t-title").focus(); }); });
      li.appendChild(b);
      ul.appendChild(li);
      if (focused === String(t.id)) { b.focus(); }
    });
  }

  function refresh() {
    if ($("app").hidden) { return Promise.resolve(); }
    return api("GET", "/api/tickets?status=" + encodeURIComponent($("filter").value)).then(function (d) {
      renderQueue(d.tickets);
      if (current) { return open(current, true); }
    }).catch(function (e) { if (e.status === 401) { show(false); } });
  }

  /* Voice notes keep their player across the 4-second refresh (re-attached in the same task: no pause). */
  var players = {};
  function player(f) {
    if (!players[f.id]) {
      var au = el("audio", "", "voice-note"); au.controls = true; au.preload = "metadata"; au.src = f.url;
      au.setAttribute("aria-label", "Nghe tin nhắn giọng nói của công dân");
      players[f.id] = au;
    }
    return players[f.id];
  }

  function renderMessages(t, extras) {
    var box = $("t-messages");
    box.textContent = "";
    var files = (extras && extras.files) || {};
    var lastVolunteer = null;
    t.messages.forEach(function (m) {
      var div = el("div", (m.sender === "citizen" ? "Công dân" : (m.author || "TNV")) + ": " + m.text, "m " + m.sender);
      var f = files[String(m.id)];
      if (f && f.mime.indexOf("image/") === 0) {
        var img = el("img"); img.src = f.url; img.alt = m.sender === "citizen" ? "Ảnh công dân gửi" : "Ảnh bạn đã gửi";
        div.appendChild(img);
      } else if (f && f.mime.indexOf("audio/") === 0) {  /* the citizen's voice note, while the ticket is open */
        div.appendChild(document.createElement("br")); div.appendChild(player(f));
      } else if (f) {
        var a = el("a", "Mở tệp PDF"); a.href = f.url; a.target = "_blank"; a.rel = "noopener";
        div.appendChild(document.createElement("br")); div.appendChild(a);
      }
      if (m.sender === "volunteer") { lastVolunteer = m; }
      box.appendChild(div);
    });
    var seen = extras && extras.seen_at;
    $("t-seen").hidden = !(seen && lastVolunteer && seen >= lastVolunteer.at);
    $("t-seen").textContent = seen ? "✓ Công dân đã xem lúc " + fmt(seen) : "";
  }

  function open(id, quiet) {
    if (current !== id) { players = {}; }
    current = id;
    return Promise.all([api("GET", "/api/tickets/" + id), api("GET", "/api/tickets/" + id + "/extras").catch(function () { return {}; })])
      .then(function (both) {
        var t = both[0].ticket;
        $("ticket").hidden = false;
        $("t-title").textContent = "Phiếu #" + t.id + (t.priority === "urgent" ? " — KHẨN" : "");
        $("t-title").tabIndex = -1;
        $("t-meta").textContent = (STATUS[t.status] || t.status) + " · " + (t.commune_name || "chưa rõ xã") + " · kênh " +
          t.channel + (t.claimed_by_name ? " · " + t.claimed_by_name : "") + " · " + fmt(t.created_at);
        var s = t.summary || {};
        var lines = [];
        if (s.context) { lines.push("Bối cảnh: " + s.context); }
        (s.turns || []).forEach(function (x, i) { lines.push((i + 1) + ". " + x.q + (x.source ? "  → " + x.source : "")); });
        $("t-summary").textContent = lines.join("\n") || "(không có câu hỏi trước)";
        renderMessages(t, both[1]);
        var mine = t.status === "claimed" && me && t.claimed_by === me.id;
        $("claim").hidden = t.status !== "open";
        ["reply-form", "close-box", "release", "quick-box", "guide-box", "file-box"].forEach(function (k) { $(k).hidden = !mine; });
        $("scam-box").hidden = !(s.context && s.context.indexOf("scam check") === 0);  // a ticket from a checked message
        if (!quiet) { $("t-error").textContent = ""; }
      }).catch(fail);
  }

  // ---- quick replies and guides ---------------------------------------------------------------------
  function insert(text) {
    var box = $("reply-text");
    box.value = box.value ? box.value.replace(/\s*$/, "") + "\n" + text : text;
    box.focus();
  }

  function pick(list, items, label, onPick, onDelete) {
    list.textContent = "";
    if (!items.length) { list.appendChild(el("li", "Không tìm thấy.", "note")); return; }
    items.forEach(function (x) {
      var li = el("li");
      var b = el("button", label(x)); b.type = "button";
      b.addEventListener("click", function () { onPick(x); });
      li.appendChild(b);
      if (onDelete && x.scope === "personal") {
        var d = el("button", "Xoá", "del"); d.type = "button"; d.setAttribute("aria-label", "Xoá " + x.title);
        d.addEventListener("click", function () { onDelete(x); });
        li.appendChild(d);
      }
      list.appendChild(li);
    });
  }

  function loadSnippets() {
    return api("GET", "/api/snippets?q=" + encodeURIComponent($("qr-search").value)).then(function (d) {
      pick($("qr-list"), d.snippets, function (x) { return x.title + (x.scope === "team" ? " (đội)" : ""); },
        function (x) { insert(x.body); },
        function (x) { api("DELETE", "/api/snippets/" + x.id).then(loadSnippets).catch(fail); });
    }).catch(fail);
  }

  function loadGuides() {
    var q = $("guide-search").value.trim();
    if (!q) { $("guide-list").textContent = ""; return Promise.resolve(); }
    return api("GET", "/api/guides?q=" + encodeURIComponent(q)).then(function (d) {
      pick($("guide-list"), d.guides, function (x) { return x.title; }, function (x) {
        api("GET", "/api/guides/" + encodeURIComponent(x.doc_id) + "/reply").then(function (g) { insert(g.text); }).catch(fail);
      });
    }).catch(fail);
  }

  function debounce(fn, ms) { var h = null; return function () { clearTimeout(h); h = setTimeout(fn, ms); }; }
  $("qr-search").addEventListener("input", debounce(loadSnippets, 250));
  $("guide-search").addEventListener("input", debounce(loadGuides, 250));
  $("quick-box").addEventListener("toggle", function () { if ($("quick-box").open) { loadSnippets(); } });
  $("qr-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    api("POST", "/api/snippets", { title: $("qr-title").value, body: $("qr-body").value, scope: $("qr-scope").value })
      .then(function () { $("qr-title").value = ""; $("qr-body").value = ""; loadSnippets(); }).catch(fail);
  });

  // ---- the rest ---------------------------------------------------------------------------------------
  $("login-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    api("POST", "/api/auth/login", { username: $("username").value, password: $("password").value }).then(function (d) {
      csrf = d.csrf_token; me = d.user; $("password").value = ""; start();
    }).catch(function (e) { $("login-error").textContent = e.status === 401 ? "Sai tên đăng nhập hoặc mật khẩu." : e.message; });
  });

  $("scam-confirm").addEventListener("click", function () {
    if (!current || !confirm("Xác nhận tin nhắn của phiếu này là lừa đảo? Các tên miền lạ trong đó sẽ được đưa vào danh sách bị báo cáo.")) { return; }
    api("POST", "/api/tickets/" + current + "/scam-confirm").then(function (d) {
      $("scam-status").textContent = d.added.length ? "Đã báo cáo: " + d.added.join(", ") + "." : "Các tên miền này đã có trong danh sách.";
    }).catch(function (e) { $("scam-status").textContent = e.message; });
  });

  $("logout").addEventListener("click", function () { api("POST", "/api/auth/logout").finally(function () { show(false); }); });
  $("filter").addEventListener("change", refresh);
  $("presence").addEventListener("change", function () { api("POST", "/api/volunteer/presence", { status: $("presence").value }).catch(fail); });
  $("link-tg").addEventListener("click", function () {
    api("POST", "/api/volunteer/telegram-link").then(function (d) {
      $("link-code").hidden = false;
      $("link-code").textContent = d.instruction + " (hết hạn sau " + d.expires_in_min + " phút)";
    });
  });
  $("claim").addEventListener("click", function () {
    api("POST", "/api/tickets/" + current + "/claim").then(refresh).then(function () { $("reply-text").focus(); }).catch(function (e) {
      $("t-error").textContent = e.status === 409 ? "Phiếu này đã có người khác nhận." : e.message; refresh();
    });
  });
  $("release").addEventListener("click", function () {
    if (!window.confirm("Trả lại phiếu #" + current + " để tình nguyện viên khác nhận?")) { return; }
    api("POST", "/api/tickets/" + current + "/release", {}).then(function () { current = null; $("ticket").hidden = true; refresh(); })
      .catch(function (e) { $("t-error").textContent = e.message; refresh(); });
  });
  $("reply-text").addEventListener("input", function () {
    var now = Date.now();
    if (current && now - lastTyping > 4000) { lastTyping = now; api("POST", "/api/tickets/" + current + "/typing").catch(function () {}); }
  });
  $("reply-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = $("reply-text").value.trim();
    if (!text) { return; }
    api("POST", "/api/tickets/" + current + "/messages", { text: text }).then(function () { $("reply-text").value = ""; refresh(); })
      .catch(fail);
  });
  $("file-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var f = $("file-input").files[0];
    if (!f) { return; }
    var form = new FormData();
    form.append("file", f);
    form.append("caption", $("file-caption").value);
    api("POST", "/api/tickets/" + current + "/files", undefined, form).then(function () {
      $("file-input").value = ""; $("file-caption").value = ""; refresh();
    }).catch(fail);
  });
  $("close-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var body = { note: $("close-note").value };
    if ($("propose").checked) { body.faq = { question: $("faq-q").value, answer: $("faq-a").value }; }
    api("POST", "/api/tickets/" + current + "/close", body).then(function () { current = null; $("ticket").hidden = true; refresh(); })
      .catch(fail);
  });

  function start() {
    show(true);
    $("who").textContent = me.display_name;
    api("GET", "/api/helpdesk/me").then(function (d) { $("presence").value = d.presence; }).catch(function () {
      $("presence").value = me.available ? "available" : "away";
    });
    refresh();
  }

  api("GET", "/api/auth/me").then(function (d) { csrf = d.csrf_token; me = d.user; start(); })
    .catch(function () { show(false); });
  setInterval(refresh, 4000);
})();
