// Shared by every admin page: who is logged in, the CSRF token, the menu by role, JSON calls, helpers.
// No inline script anywhere (CSP): each page loads this file, then its own.
(function () {
  "use strict";
  var BD = window.BD = {};
  BD.csrf = "";
  BD.me = null;
  BD.$ = function (id) { return document.getElementById(id); };

  var MENU = [
    ["/admin", "Tổng quan", ["admin", "viewer"]],
    ["/admin/kb", "Kho kiến thức", ["admin", "editor"]],
    ["/admin/kb/playground", "Thử câu hỏi", ["admin", "editor"]],
    ["/admin/unanswered", "Câu hỏi chưa trả lời được", ["admin", "editor"]],
    ["/admin/faq", "Đề xuất hỏi đáp", ["admin", "editor"]],
    ["/admin/scam", "Lừa đảo bị báo cáo", ["admin", "editor"]],
    ["/admin/users", "Người dùng", ["admin"]],
    ["/admin/settings", "Cài đặt trợ lý", ["admin"]],
    ["/admin/audit", "Nhật ký", ["admin"]],
    ["/admin/announce", "Thông báo", ["admin", "editor"]],
    ["/admin/classes", "Lớp học cộng đồng", ["admin", "editor", "volunteer"]],
    ["/volunteer", "Hỗ trợ công dân", ["admin", "volunteer"]]
  ];
  var ROLE = { admin: "Quản trị", editor: "Biên tập", viewer: "Theo dõi", volunteer: "Tình nguyện viên" };

  BD.api = function (method, path, body, raw) {
    var opts = { method: method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
    if (raw !== undefined) { opts.headers["Content-Type"] = "application/octet-stream"; opts.body = raw; }
    else if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    if (method !== "GET") { opts.headers["X-CSRF-Token"] = BD.csrf; }
    return fetch(path, opts).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (r.status === 401) { location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search); }
        if (!r.ok) {
          var d = data.detail, msg = (d && (d.message || (typeof d === "string" ? d : ""))) || data.error || ("Lỗi " + r.status);
          if (Array.isArray(d)) { msg = "Dữ liệu chưa hợp lệ: " + d.map(function (x) { return (x.loc || []).slice(-1)[0] + " — " + x.msg; }).join("; "); }
          var e = new Error(msg); e.status = r.status; e.detail = d; throw e;
        }
        return data;
      });
    });
  };

  BD.el = function (tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { e.textContent = attrs[k]; }
      else if (k === "cls") {
        e.className = attrs[k];
        if (attrs[k] === "scroll") {  /* a table that scrolls sideways: reachable by keyboard (axe) */
          e.tabIndex = 0;
        }
      }
      else if (k.indexOf("on") === 0) { e.addEventListener(k.slice(2), attrs[k]); }
      else if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) { e.setAttribute(k, attrs[k] === true ? "" : attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c !== null && c !== undefined) { e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); } });
    return e;
  };

  BD.TOPIC = { vneid: "VNeID", dichvucong: "Dịch vụ công", payments: "Thanh toán", safety: "An toàn trên mạng",
    local: "Địa phương", general: "Chung" };
  BD.GROUP = { can_bo: "Cán bộ", hoc_sinh: "Học sinh, sinh viên", lao_dong: "Người lao động", cao_tuoi: "Người cao tuổi",
    khac: "Khác", "": "Chưa rõ", "*": "Tất cả" };
  BD.fmt = function (iso) { return iso ? new Date(iso).toLocaleString("vi-VN") : ""; };
  BD.num = function (v) { return v === null || v === undefined || v === "" ? "—" : (typeof v === "number" ? v.toLocaleString("vi-VN") : String(v)); };
  BD.param = function (name) { return new URLSearchParams(location.search).get(name) || ""; };
  BD.say = function (id, text, kind) { var e = BD.$(id); if (e) { e.textContent = text || ""; e.className = kind || "note"; } };

  // A table from {columns: [[key, label]], rows: [{}]}; numbers right-aligned.
  BD.table = function (spec, opts) {
    opts = opts || {};
    var head = BD.el("tr", {}, spec.columns.map(function (c) { return BD.el("th", { text: c[1], scope: "col" }); }));
    var body = spec.rows.map(function (r) {
      return BD.el("tr", {}, spec.columns.map(function (c) {
        var v = r[c[0]];
        return BD.el("td", { cls: typeof v === "number" ? "num" : "", text: BD.num(v) });
      }));
    });
    if (!spec.rows.length) { body = [BD.el("tr", {}, [BD.el("td", { colspan: spec.columns.length, text: opts.empty || "Chưa có số liệu." })])]; }
    return BD.el("div", { cls: "scroll", tabindex: "0", role: "region", "aria-label": opts.label || "Bảng số liệu (cuộn ngang)" }, [BD.el("table", { id: opts.id || null }, [BD.el("thead", {}, [head]), BD.el("tbody", {}, body)])]);
  };

  // Poll a knowledge-base job until it ends; onTick(job) each time.
  BD.pollJob = function (id, onTick) {
    return new Promise(function (resolve, reject) {
      function tick() {
        BD.api("GET", "/api/admin/kb/jobs/" + id).then(function (d) {
          onTick(d.job);
          if (d.job.status === "running") { setTimeout(tick, 700); } else { resolve(d.job); }
        }).catch(reject);
      }
      tick();
    });
  };

  BD.jobText = function (j) {
    if (j.status === "done") { return "Đã cập nhật xong. Trợ lý đã dùng dữ liệu mới."; }
    if (j.status === "failed") { return "Không thành công, chưa thay đổi gì: " + ((j.detail && j.detail.error) || "") +
      ((j.detail && j.detail.errors && j.detail.errors.length) ? " — " + j.detail.errors.join("; ") : ""); }
    return (j.phase_label || j.phase) + (j.total ? " " + j.done + "/" + j.total : "") + "…";
  };

  BD.ready = new Promise(function (resolve) {
    BD.api("GET", "/api/auth/me").then(function (d) {
      BD.csrf = d.csrf_token; BD.me = d.user;
      var nav = BD.$("nav");
      if (nav) {
        MENU.forEach(function (m) {
          if (m[2].indexOf(d.user.role) >= 0) {
            var a = BD.el("a", { href: m[0], text: m[1], cls: location.pathname === m[0] ? "here" : "" });
            if (location.pathname === m[0]) { a.setAttribute("aria-current", "page"); }
            nav.appendChild(a);
          }
        });
      }
      if (BD.$("who")) { BD.$("who").textContent = d.user.display_name + " · " + (ROLE[d.user.role] || d.user.role); }
      resolve(d.user);
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    var out = BD.$("logout");
    if (out) {
      out.addEventListener("click", function () {
        BD.api("POST", "/api/auth/logout").finally(function () { location.href = "/login"; });
      });
    }
  });
})();
