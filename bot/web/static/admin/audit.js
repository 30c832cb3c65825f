// The audit log: who did what and when; content before / after for knowledge-base changes.
(function () {
  "use strict";
  var $ = BD.$, el = BD.el;
  function text(v) { return typeof v === "string" ? v : JSON.stringify(v, null, 2); }
  function load() {
    BD.api("GET", "/api/admin/audit?limit=300&prefix=" + $("prefix").value).then(function (d) {
      var rows = d.entries.map(function (e) {
        var details = Object.assign({}, e.details), content = details.content; delete details.content;
        var extra = [el("span", { cls: "note", text: Object.keys(details).length ? JSON.stringify(details) : "" })];
        if (content) {
          extra.push(el("details", {}, [el("summary", { text: "Nội dung trước / sau" }),
            el("p", { text: "Trước:" }), el("pre", { text: text(content.before === undefined ? "" : content.before) }),
            el("p", { text: "Sau:" }), el("pre", { text: text(content.after === undefined ? "" : content.after) })]));
        }
        return el("tr", {}, [el("td", { text: BD.fmt(e.at) }), el("td", { text: e.who }), el("td", { text: e.action }), el("td", { text: e.target }), el("td", {}, extra)]);
      });
      var head = el("tr", {}, ["Lúc", "Ai", "Việc", "Đối tượng", "Chi tiết"].map(function (h) { return el("th", { text: h }); }));
      var box = $("entries"); box.textContent = "";
      box.appendChild(el("div", { cls: "scroll" }, [el("table", { id: "audit-table" }, [el("thead", {}, [head]), el("tbody", {}, rows)])]));
    });
  }
  $("filters").addEventListener("submit", function (ev) { ev.preventDefault(); load(); });
  BD.ready.then(load);
})();
