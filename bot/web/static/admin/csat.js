// Satisfaction after a ticket (issue 22): per team, volunteer and topic, and the weekly trend.
(function () {
  "use strict";
  var BD = window.BD;
  var cols = [["key", "Nhóm"], ["count", "Số lượt"], ["mean", "Điểm TB (1–5)"], ["low", "Điểm thấp (≤ 2)"]];
  function put(id, rows, columns) {
    var box = BD.$(id);
    box.textContent = "";
    box.appendChild(rows.length ? BD.table({ columns: columns, rows: rows }) : BD.el("p", { cls: "note", text: "Chưa có lượt chấm điểm." }));
  }
  BD.api("GET", "/api/helpdesk/csat?weeks=8").then(function (d) {
    BD.$("csat-summary").textContent = d.responses + " lượt chấm điểm · " + d.open_reviews + " mục điểm thấp đang chờ đội trưởng xem";
    put("csat-team", d.by_team, cols);
    put("csat-volunteer", d.by_volunteer, cols);
    put("csat-topic", d.by_topic, cols);
    put("csat-trend", d.trend, [["week", "Tuần từ"], ["count", "Số lượt"], ["mean", "Điểm TB"], ["low", "Điểm thấp"]]);
  }).catch(function (e) { BD.$("csat-summary").textContent = "Không tải được: " + e.message; });
})();
