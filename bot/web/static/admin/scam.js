// Reported scam domains and phone numbers: list, add, delete, CSV import (errors per line) and export.
(function () {
  "use strict";
  var $ = BD.$, el = BD.el;
  var KIND = { domain: "Tên miền", phone: "Số điện thoại" };
  function load() {
    BD.api("GET", "/api/admin/scam/reports?kind=" + $("f-kind").value + "&q=" + encodeURIComponent($("f-q").value)).then(function (d) {
      var rows = d.reports.map(function (r) {
        var del = el("button", { type: "button", cls: "danger", text: "Xoá", "data-id": r.id, onclick: function () {
          if (!confirm("Xoá " + r.value + " khỏi danh sách?")) { return; }
          BD.api("DELETE", "/api/admin/scam/reports/" + r.id).then(load).catch(function (e) { BD.say("add-status", e.message, "error"); });
        } });
        return el("tr", {}, [el("td", { text: KIND[r.kind] || r.kind }), el("td", { text: r.value }), el("td", { text: r.source }),
          el("td", { text: r.reported_on }), el("td", { text: r.note }), el("td", { text: BD.fmt(r.added_at) }), el("td", {}, [del])]);
      });
      if (!rows.length) { rows = [el("tr", {}, [el("td", { colspan: 7, text: "Chưa có mục nào." })])]; }
      var head = el("tr", {}, ["Loại", "Giá trị", "Nguồn", "Ngày báo cáo", "Ghi chú", "Thêm lúc", ""].map(function (h) { return el("th", { text: h }); }));
      var box = $("reports"); box.textContent = "";
      box.appendChild(el("div", { cls: "scroll" }, [el("table", { id: "reports-table" }, [el("thead", {}, [head]), el("tbody", {}, rows)])]));
    });
  }
  $("add").addEventListener("submit", function (ev) {
    ev.preventDefault();
    BD.api("POST", "/api/admin/scam/reports", { kind: $("kind").value, value: $("value").value, source: $("source").value,
      reported_on: $("reported_on").value, note: $("note").value }).then(function (d) {
      BD.say("add-status", "Đã thêm " + d.report.value + ".", "ok"); $("value").value = ""; load();
    }).catch(function (e) { BD.say("add-status", e.message, "error"); });
  });
  $("import-btn").addEventListener("click", function () {
    var f = $("csv").files[0], list = $("import-errors");
    list.textContent = "";
    if (!f) { BD.say("import-status", "Chọn một tệp CSV trước.", "error"); return; }
    BD.say("import-status", "Đang nhập…");
    f.arrayBuffer().then(function (buf) { return BD.api("POST", "/api/admin/scam/reports/import", undefined, buf); }).then(function (d) {
      BD.say("import-status", "Đã nhập " + d.added + " mục" + (d.skipped ? " (" + d.skipped + " mục đã có sẵn)" : "") + ".", "ok"); load();
    }).catch(function (e) {
      BD.say("import-status", e.message, "error");
      ((e.detail && e.detail.errors) || []).forEach(function (x) { list.appendChild(el("li", { text: x })); });
    });
  });
  $("filters").addEventListener("submit", function (ev) { ev.preventDefault(); load(); });
  BD.ready.then(load);
})();
