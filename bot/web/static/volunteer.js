// The volunteers' console: log in, live queue (polled), claim, read the context, reply, close (+ FAQ proposal).
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var csrf = "";
  var current = null;
  var me = null;

  function api(method, path, body) {
    var opts = { method: method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
    if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    if (method !== "GET") { opts.headers["X-CSRF-Token"] = csrf; }
    return fetch(path, opts).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) { var e = new Error(data.detail || data.error || ("HTTP " + r.status)); e.status = r.status; throw e; }
        return data;
      });
    });
  }

  function show(logged) { $("login").hidden = logged; $("app").hidden = !logged; }

  function fmt(iso) { return iso ? new Date(iso).toLocaleString("vi-VN") : ""; }

  var STATUS = { open: "Chờ nhận", claimed: "Đang hỗ trợ", closed: "Đã đóng", expired: "Hết hạn", cancelled: "Đã huỷ" };

  function renderQueue(list) {
    var ul = $("queue");
    ul.textContent = "";
    if (!list.length) { var li = document.createElement("li"); li.textContent = "Không có phiếu nào."; ul.appendChild(li); return; }
    list.forEach(function (t) {
      var li = document.createElement("li");
      li.dataset.id = t.id;
      li.className = (t.priority === "urgent" ? "urgent" : "") + (current === t.id ? " sel" : "");
      li.textContent = "#" + t.id + " · " + (t.priority === "urgent" ? "KHẨN · " : "") + (STATUS[t.status] || t.status) +
        " · " + (t.commune_name || "chưa rõ xã") + " · " + fmt(t.created_at);
      li.addEventListener("click", function () { open(t.id); });
      ul.appendChild(li);
    });
  }

  function refresh() {
    if ($("app").hidden) { return Promise.resolve(); }
    return api("GET", "/api/tickets?status=" + encodeURIComponent($("filter").value)).then(function (d) {
      renderQueue(d.tickets);
      if (current) { return open(current, true); }
    }).catch(function (e) { if (e.status === 401) { show(false); } });
  }

  function open(id, quiet) {
    current = id;
    return api("GET", "/api/tickets/" + id).then(function (d) {
      var t = d.ticket;
      $("ticket").hidden = false;
      $("t-title").textContent = "Phiếu #" + t.id + (t.priority === "urgent" ? " — KHẨN" : "");
      $("t-meta").textContent = (STATUS[t.status] || t.status) + " · " + (t.commune_name || "chưa rõ xã") + " · kênh " +
        t.channel + (t.claimed_by_name ? " · " + t.claimed_by_name : "") + " · " + fmt(t.created_at);
      var s = t.summary || {};
      var lines = [];
      if (s.context) { lines.push("Bối cảnh: " + s.context); }
      (s.turns || []).forEach(function (x, i) { lines.push((i + 1) + ". " + x.q + (x.source ? "  → " + x.source : "")); });
      $("t-summary").textContent = lines.join("\n") || "(không có câu hỏi trước)";
      var box = $("t-messages");
      box.textContent = "";
      t.messages.forEach(function (m) {
        var div = document.createElement("div");
        div.className = "m " + m.sender;
        div.textContent = (m.sender === "citizen" ? "Công dân" : (m.author || "TNV")) + ": " + m.text;
        box.appendChild(div);
      });
      var mine = t.status === "claimed" && me && t.claimed_by === me.id;
      $("claim").hidden = t.status !== "open";
      $("reply-form").hidden = !mine;
      $("close-box").hidden = !mine;
      $("release").hidden = !mine;
      $("scam-box").hidden = !(s.context && s.context.indexOf("scam check") === 0);  // a ticket from a checked message
      if (!quiet) { $("t-error").textContent = ""; }
    }).catch(function (e) { $("t-error").textContent = e.message; });
  }

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
  $("available").addEventListener("change", function () { api("POST", "/api/volunteer/status", { available: $("available").checked }); });
  $("link-tg").addEventListener("click", function () {
    api("POST", "/api/volunteer/telegram-link").then(function (d) {
      $("link-code").hidden = false;
      $("link-code").textContent = d.instruction + " (hết hạn sau " + d.expires_in_min + " phút)";
    });
  });
  $("claim").addEventListener("click", function () {
    api("POST", "/api/tickets/" + current + "/claim").then(refresh).catch(function (e) {
      $("t-error").textContent = e.status === 409 ? "Phiếu này đã có người khác nhận." : e.message; refresh();
    });
  });
  $("release").addEventListener("click", function () {
    if (!window.confirm("Trả lại phiếu #" + current + " để tình nguyện viên khác nhận?")) { return; }
    api("POST", "/api/tickets/" + current + "/release", {}).then(function () { current = null; $("ticket").hidden = true; refresh(); })
      .catch(function (e) { $("t-error").textContent = e.message; refresh(); });
  });
  $("reply-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = $("reply-text").value.trim();
    if (!text) { return; }
    api("POST", "/api/tickets/" + current + "/messages", { text: text }).then(function () { $("reply-text").value = ""; refresh(); })
      .catch(function (e) { $("t-error").textContent = e.message; });
  });
  $("close-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var body = { note: $("close-note").value };
    if ($("propose").checked) { body.faq = { question: $("faq-q").value, answer: $("faq-a").value }; }
    api("POST", "/api/tickets/" + current + "/close", body).then(function () { current = null; $("ticket").hidden = true; refresh(); })
      .catch(function (e) { $("t-error").textContent = e.message; });
  });

  function start() {
    show(true);
    $("who").textContent = me.display_name;
    $("available").checked = me.available;
    refresh();
  }

  api("GET", "/api/auth/me").then(function (d) { csrf = d.csrf_token; me = d.user; start(); })
    .catch(function () { show(false); });
  setInterval(refresh, 4000);
})();
