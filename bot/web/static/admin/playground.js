// The query playground: retrieved passages with their fused / dense / lexical scores, and the final answer.
(function () {
  "use strict";
  var $ = BD.$, el = BD.el;
  $("ask").addEventListener("submit", function (ev) {
    ev.preventDefault();
    BD.say("status", "Đang tìm…");
    BD.api("POST", "/api/admin/kb/playground", { question: $("question").value }).then(function (d) {
      var a = d.answer;
      $("answer-card").hidden = false;
      $("verdict").textContent = (a.covered ? "✓ Trả lời được" : "✗ Chưa có câu trả lời (trợ lý sẽ mời gặp tình nguyện viên)") +
        " — độ tin cậy " + a.confidence + " (ngưỡng " + a.threshold + ")";
      $("verdict").className = a.covered ? "ok" : "error";
      $("answer").textContent = a.text + (a.sources.length && a.covered ? "\n\nNguồn: " + a.sources[0].title + " (" + a.sources[0].doc_id + ")" : "");
      var q = d.query;
      $("analysis").textContent = q ? "Câu đã chuẩn hoá: “" + q.restored + "” · loại " + q.kind + " · độ phủ từ khoá " + q.coverage + " · cách biệt " + q.margin +
        " · bản chỉ mục " + d.build_id : "";
      $("passages-card").hidden = false;
      var rows = d.passages.map(function (p) {
        return el("tr", {}, [el("td", { cls: "num", text: String(p.rank) }),
          el("td", {}, [el("b", { text: p.title }), el("br"), el("span", { cls: "note", text: p.doc_id + " · " + p.kind + " · " + p.lang }),
            el("details", {}, [el("summary", { text: "Xem đoạn" }), el("div", { cls: "chunk", text: p.text })])]),
          el("td", { cls: "num", text: p.score.toFixed(3) }), el("td", { cls: "num", text: p.dense.toFixed(3) }), el("td", { cls: "num", text: p.lexical.toFixed(3) })]);
      });
      var head = el("tr", {}, ["#", "Bài", "Điểm", "Ngữ nghĩa", "Từ khoá"].map(function (h) { return el("th", { text: h }); }));
      var box = $("passages"); box.textContent = "";
      box.appendChild(el("div", { cls: "scroll" }, [el("table", { id: "passages-table" }, [el("thead", {}, [head]), el("tbody", {}, rows)])]));
      BD.say("status", "");
    }).catch(function (e) { BD.say("status", e.message, "error"); });
  });
})();
