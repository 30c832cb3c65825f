// Announcements: write, count the audience, schedule, pause / resume / cancel, delivery and click figures, CSV.
(function () {
  "use strict";
  var $ = BD.$, el = BD.el;
  var STATUS = { scheduled: "Đã lên lịch", sending: "Đang gửi", paused: "Tạm dừng", done: "Đã gửi xong", cancelled: "Đã hủy" };
  var KIND = [["guide", "Bài hướng dẫn (mã bài)"], ["lesson", "Bài học (mã học phần)"], ["class", "Lớp học (số lớp)"], ["link", "Trang chính thống (https)"]];

  function vn(iso) { return iso ? new Date(iso).toLocaleString("vi-VN", { timeZone: "Asia/Ho_Chi_Minh" }) : ""; }
  function list(v) { return v ? v.split(",").map(function (x) { return x.trim(); }).filter(Boolean) : []; }
  function audience() {
    return { topic: $("topic").value, communes: list($("communes").value), groups: list($("groups").value),
      langs: list($("langs").value), channels: list($("channels").value) };
  }
  function addButton() {
    var box = $("buttons");
    if (box.children.length >= 3) { return; }
    var kind = el("select", { "aria-label": "Loại nút", cls: "b-kind" }, KIND.map(function (k) { return el("option", { value: k[0], text: k[1] }); }));
    box.appendChild(el("div", { cls: "row b-row" }, [el("label", {}, ["Loại", kind]),
      el("label", {}, ["Đích", el("input", { cls: "b-target", maxlength: "500" })]),
      el("label", {}, ["Chữ trên nút", el("input", { cls: "b-title", maxlength: "60" })])]));
  }
  function buttons() {
    return Array.prototype.map.call(document.querySelectorAll(".b-row"), function (r) {
      return { kind: r.querySelector(".b-kind").value, target: r.querySelector(".b-target").value, title: r.querySelector(".b-title").value };
    }).filter(function (b) { return b.target || b.title; });
  }
  function figures(f) {
    return "Người nhận " + BD.num(f.recipients) + " · đã gửi " + BD.num(f.sent) + " · đang chờ " + BD.num(f.queued) +
      " · lỗi " + BD.num(f.failed) + " · ngoài 7 ngày Zalo " + BD.num(f.out_of_window) + " · đã hủy nhận " + BD.num(f.opted_out) +
      " · bấm nút " + BD.num(f.clicked) + " người (" + BD.num(f.clicks) + " lượt)";
  }
  function card(c) {
    var msg = el("p", { cls: "note", role: "status" });
    function act(verb) {
      return function () {
        BD.api("POST", "/api/outreach/campaigns/" + c.id + "/" + verb).then(load).catch(function (e) { msg.textContent = e.message; msg.className = "error"; });
      };
    }
    var actions = [];
    if (c.status === "scheduled" || c.status === "sending") { actions.push(el("button", { type: "button", cls: "secondary", text: "Tạm dừng", onclick: act("pause") })); }
    if (c.status === "paused") { actions.push(el("button", { type: "button", cls: "secondary", text: "Tiếp tục", onclick: act("resume") })); }
    if (c.status !== "done" && c.status !== "cancelled") { actions.push(el("button", { type: "button", cls: "danger", text: "Hủy", onclick: act("cancel") })); }
    actions.push(el("a", { cls: "button secondary", href: "/api/outreach/campaigns/" + c.id + "/recipients.csv", text: "Tải CSV" }));
    return el("div", { cls: "card campaign", "data-id": String(c.id) }, [
      el("p", { cls: "note", text: "#" + c.id + " · " + (STATUS[c.status] || c.status) + " · gửi từ " + vn(c.send_at) + (c.kind === "class_reminder" ? " · nhắc lịch lớp" : "") }),
      el("h3", { text: c.title }), el("pre", { text: c.text }), el("p", { cls: "figures", text: figures(c.figures) }),
      el("div", { cls: "row" }, actions), msg]);
  }
  function load() {
    return BD.api("GET", "/api/outreach/campaigns").then(function (d) {
      var root = $("list"); root.textContent = "";
      d.campaigns.forEach(function (c) { root.appendChild(card(c)); });
      if (!d.campaigns.length) { root.appendChild(el("p", { cls: "note", text: "Chưa có thông báo nào." })); }
    }).catch(function (e) { BD.say("form-status", e.message, "error"); });
  }
  $("add-button").addEventListener("click", addButton);
  $("preview").addEventListener("click", function () {
    BD.api("POST", "/api/outreach/audience", audience()).then(function (n) {
      BD.say("count", "Sẽ gửi cho " + n.total + " người (Telegram " + n.telegram + ", Zalo " + n.zalo + ").", "ok");
    }).catch(function (e) { BD.say("count", e.message, "error"); });
  });
  $("draft").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var at = $("send-at").value.replace("T", " ");
    BD.api("POST", "/api/outreach/campaigns", { title: $("title").value, text: $("text").value, audience: audience(),
      buttons: buttons(), send_at: at }).then(function (d) {
      BD.say("form-status", "Đã lên lịch thông báo #" + d.campaign.id + ", gửi từ " + vn(d.campaign.send_at) + ".", "ok");
      load();
    }).catch(function (e) { BD.say("form-status", e.message, "error"); });
  });
  BD.ready.then(load);
})();
