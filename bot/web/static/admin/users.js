// Users: create, disable / enable, reset password, assign communes. Every change is audited by the server.
(function () {
  "use strict";
  var $ = BD.$, el = BD.el;
  var ROLE = { admin: "Quản trị viên", editor: "Biên tập viên", viewer: "Người theo dõi", volunteer: "Tình nguyện viên" };
  function codes(v) { return v.split(/[,\s]+/).map(function (x) { return x.trim(); }).filter(Boolean); }

  function row(u) {
    var msg = el("span", { cls: "note", role: "status" });
    function done(text) { msg.textContent = text; msg.className = "ok"; }
    function fail(e) { msg.textContent = e.message; msg.className = "error"; }
    var toggle = el("button", { type: "button", cls: u.disabled ? "" : "secondary", text: u.disabled ? "Mở khoá" : "Khoá" });
    toggle.addEventListener("click", function () {
      BD.api("POST", "/api/admin/users/" + u.id + "/disabled", { disabled: !u.disabled }).then(load).catch(fail);
    });
    var pw = el("input", { type: "password", maxlength: "256", autocomplete: "new-password", "aria-label": "Mật khẩu mới", placeholder: "Mật khẩu mới" });
    var pwForm = el("form", { cls: "row" }, [el("label", {}, [pw]), el("button", { type: "submit", cls: "secondary", text: "Đặt lại mật khẩu" })]);
    pwForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      BD.api("POST", "/api/admin/users/" + u.id + "/password", { password: pw.value }).then(function () { pw.value = ""; done("Đã đặt mật khẩu mới."); }).catch(fail);
    });
    var cm = el("input", { maxlength: "600", "aria-label": "Mã xã", value: u.communes.map(function (c) { return c.code; }).join(", ") });
    var cmForm = el("form", { cls: "row" }, [el("label", {}, [cm]), el("button", { type: "submit", cls: "secondary", text: "Lưu xã" })]);
    cmForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      BD.api("POST", "/api/admin/users/" + u.id + "/communes", { communes: codes(cm.value) }).then(function () { load(); }).catch(fail);
    });
    return el("tr", { "data-user": u.username }, [
      el("td", {}, [el("b", { text: u.username }), el("br"), el("span", { cls: "note", text: u.display_name })]),
      el("td", { text: ROLE[u.role] || u.role }),
      el("td", { text: (u.province_level ? "Cấp tỉnh. " : "") + u.communes.map(function (c) { return c.name || c.code; }).join(", ") }),
      el("td", { text: u.disabled ? "Đã khoá" : "Đang dùng" }),
      el("td", {}, [toggle, el("details", {}, [el("summary", { text: "Sửa" }), pwForm, cmForm]), msg])]);
  }

  function load() {
    return BD.api("GET", "/api/admin/users").then(function (d) {
      var head = el("tr", {}, ["Người dùng", "Vai trò", "Xã", "Trạng thái", ""].map(function (h) { return el("th", { text: h }); }));
      var box = $("users"); box.textContent = "";
      box.appendChild(el("div", { cls: "scroll" }, [el("table", { id: "users-table" }, [el("thead", {}, [head]), el("tbody", {}, d.users.map(row))])]));
    });
  }

  $("create").addEventListener("submit", function (ev) {
    ev.preventDefault();
    BD.api("POST", "/api/admin/users", { username: $("c-username").value.trim(), display_name: $("c-name").value.trim(), password: $("c-password").value,
      role: $("c-role").value, communes: codes($("c-communes").value), province_level: $("c-province").checked })
      .then(function (d) { $("create").reset(); BD.say("create-status", "Đã thêm " + d.user.username + ".", "ok"); load(); })
      .catch(function (e) { BD.say("create-status", e.message, "error"); });
  });
  $("lookup").addEventListener("submit", function (ev) {
    ev.preventDefault();
    BD.api("GET", "/api/admin/communes?q=" + encodeURIComponent($("l-q").value)).then(function (d) {
      $("lookup-out").textContent = d.communes.length ? d.communes.map(function (c) { return c.code + " — " + c.name; }).join(" · ") : "Không tìm thấy xã nào.";
    });
  });
  BD.ready.then(load);
})();
