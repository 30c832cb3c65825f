// Community classes: publish (form or CSV), registrations, attendance from the phone, report in one click.
(function () {
  "use strict";
  var $ = BD.$, el = BD.el;
  var STATUS = { registered: "Đã đăng ký", waiting: "Đang chờ", cancelled: "Đã hủy" };

  function detail(id) {
    BD.api("GET", "/api/outreach/classes/" + id + "/registrations").then(function (d) {
      var box = $("detail"); box.hidden = false; box.textContent = "";
      box.appendChild(el("h2", { text: d.class.title + " — " + d.class.starts_local }));
      var rep = el("p", { cls: "note", id: "report", role: "status" });
      box.appendChild(el("div", { cls: "row" }, [
        el("button", { type: "button", cls: "secondary", id: "show-report", text: "Báo cáo lớp", onclick: function () {
          BD.api("GET", "/api/outreach/classes/" + id + "/report").then(function (r) {
            var t = r.totals;
            rep.textContent = "Đăng ký " + t.registered + " · chờ " + t.waiting + " · hủy " + t.cancelled + " · có mặt " + t.attended + " — " +
              r.by_group.map(function (g) { return (BD.GROUP[g.group] || g.group) + ": " + g.registered + " đăng ký, " + g.attended + " có mặt"; }).join("; ");
          });
        } }),
        el("a", { cls: "button secondary", href: "/api/outreach/classes/" + id + "/report.csv", text: "Tải báo cáo CSV" })]));
      box.appendChild(rep);
      var rows = d.registrations.filter(function (r) { return r.status !== "cancelled"; });
      if (!rows.length) { box.appendChild(el("p", { cls: "note", text: "Chưa có ai đăng ký." })); }
      var listEl = el("ul", { cls: "plain" });
      rows.forEach(function (r, i) {
        var cb = el("input", { type: "checkbox", "data-id": String(r.id), "aria-label": "Có mặt " + (i + 1) });
        cb.checked = !!r.attended;
        cb.disabled = r.status !== "registered";
        cb.addEventListener("change", function () {
          BD.api("POST", "/api/outreach/classes/" + id + "/attendance", { registration_id: r.id, attended: cb.checked })
            .then(function () { BD.say("status", "Đã ghi điểm danh.", "ok"); })
            .catch(function (e) { cb.checked = !cb.checked; BD.say("status", e.message, "error"); });
        });
        listEl.appendChild(el("li", { cls: "reg" }, [el("label", {}, [cb, " Người " + (i + 1) + " · " + (STATUS[r.status] || r.status) + " · " +
          (BD.GROUP[r.group] || "Chưa rõ") + " · " + r.channel])]));
      });
      box.appendChild(listEl);
      box.scrollIntoView();
    }).catch(function (e) { BD.say("status", e.message, "error"); });
  }
  function load() {
    return BD.api("GET", "/api/outreach/classes").then(function (d) {
      $("list").textContent = "";
      var rows = d.classes.map(function (c) {
        return { id: c.id, when: c.starts_local, title: c.title, commune: c.commune, seats: c.registered + "/" + c.seats, waiting: c.waiting, status: c.status === "open" ? "Mở" : "Đã hủy" };
      });
      $("list").appendChild(BD.table({ columns: [["id", "#"], ["when", "Thời gian"], ["title", "Lớp"], ["commune", "Xã"], ["seats", "Đã đăng ký"], ["waiting", "Chờ"], ["status", "Trạng thái"]], rows: rows }, { id: "classes", empty: "Chưa có lớp nào." }));
      Array.prototype.forEach.call(document.querySelectorAll("#classes tbody tr"), function (tr, i) {
        if (!rows[i]) { return; }
        var b = el("button", { type: "button", cls: "secondary open-class", text: "Điểm danh", onclick: function () { detail(rows[i].id); } });
        tr.appendChild(el("td", {}, [b]));
      });
    }).catch(function (e) { BD.say("status", e.message, "error"); });
  }
  $("new-class").addEventListener("submit", function (ev) {
    ev.preventDefault();
    BD.api("POST", "/api/outreach/classes", { title: $("c-title").value, commune: $("c-commune").value.trim(), place: $("c-place").value,
      starts_at: $("c-start").value.replace("T", " "), ends_at: $("c-end").value.replace("T", " "), seats: parseInt($("c-seats").value, 10),
      module: $("c-module").value, contact: $("c-contact").value,
      serves: $("c-serves").value.split(",").map(function (x) { return x.trim(); }).filter(Boolean) })
      .then(function (d) { BD.say("status", "Đã đăng lớp #" + d.class.id + ".", "ok"); load(); })
      .catch(function (e) { BD.say("status", e.message, "error"); });
  });
  $("import").addEventListener("click", function () {
    var f = $("csv").files[0];
    if (!f) { BD.say("status", "Hãy chọn tệp CSV.", "error"); return; }
    f.arrayBuffer().then(function (buf) { return BD.api("POST", "/api/outreach/classes/import", undefined, buf); })
      .then(function (d) { BD.say("status", "Đã nhập " + d.imported + " lớp.", "ok"); load(); })
      .catch(function (e) { BD.say("status", e.message + (e.detail && e.detail.errors ? " " + e.detail.errors.join(" | ") : ""), "error"); });
  });
  BD.ready.then(load);
})();
