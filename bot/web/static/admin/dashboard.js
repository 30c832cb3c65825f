// The dashboard: a period, tiles, charts (Chart.js, served by us) and every table with its CSV export.
(function () {
  "use strict";
  var $ = BD.$, charts = {};
  var COLORS = ["#1565c0", "#b71c1c", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037"];
  var CHANNEL = { web: "Web", telegram: "Telegram", zalo: "Zalo" };

  function iso(d) { return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0"); }

  function draw(id, config) {
    if (charts[id]) { charts[id].destroy(); }
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    charts[id] = new Chart($(id), config);
  }

  function days(rows) { var s = {}; rows.forEach(function (r) { s[r.day] = 1; }); return Object.keys(s).sort(); }

  function render(d) {
    var t = d.tables, sum = t.summary.rows[0] || {};
    var open = t.tickets.rows.reduce(function (a, r) { return a + (r.open || 0); }, 0);
    var tiles = [["Tin nhắn", sum.messages], ["Câu hỏi", sum.questions], ["Trả lời được", sum.answered_pct === null ? null : sum.answered_pct + "%"],
                 ["Bị báo “Chưa đúng”", sum.marked_wrong],
                 ["Hữu ích", sum.helpful_pct === null ? null : sum.helpful_pct + "%"], ["Phiếu đang mở", open]];
    var box = $("tiles"); box.textContent = "";
    tiles.forEach(function (x) { box.appendChild(BD.el("div", { cls: "tile" }, [x[0], BD.el("b", { text: BD.num(x[1]) })])); });

    var msgDays = days(t.messages.rows), channels = {};
    t.messages.rows.forEach(function (r) { channels[r.channel] = 1; });
    draw("chart-messages", { type: "bar", data: { labels: msgDays, datasets: Object.keys(channels).sort().map(function (c, i) {
      return { label: CHANNEL[c] || c, backgroundColor: COLORS[i % COLORS.length], data: msgDays.map(function (day) {
        var r = t.messages.rows.filter(function (x) { return x.day === day && x.channel === c; })[0]; return r ? r.messages : 0; }) };
    }) }, options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } } });

    var aDays = t.answers.rows.map(function (r) { return r.day; });
    draw("chart-answers", { type: "bar", data: { labels: aDays, datasets: [
      { label: "Trả lời được", backgroundColor: COLORS[2], data: t.answers.rows.map(function (r) { return r.answered; }) },
      { label: "Bị báo “Chưa đúng”", backgroundColor: COLORS[3], data: t.answers.rows.map(function (r) { return r.marked_wrong; }) },
      { label: "Chưa có câu trả lời", backgroundColor: COLORS[1], data: t.answers.rows.map(function (r) { return r.not_covered; }) }
    ] }, options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } } });

    draw("chart-topics", { type: "bar", data: { labels: t.topics.rows.map(function (r) { return BD.TOPIC[r.topic] || r.topic; }), datasets: [
      { label: "Câu hỏi", backgroundColor: COLORS[0], data: t.topics.rows.map(function (r) { return r.questions; }) }] },
      options: { indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } } });

    draw("chart-tickets", { type: "bar", data: { labels: t.tickets.rows.map(function (r) { return r.name; }), datasets: [
      { label: "Phiếu mới", backgroundColor: COLORS[0], data: t.tickets.rows.map(function (r) { return r.tickets; }) },
      { label: "Đang mở", backgroundColor: COLORS[3], data: t.tickets.rows.map(function (r) { return r.open; }) }] },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } });

    var lrows = t.learning.rows.filter(function (r) { return r.population; }).slice(0, 30);
    draw("chart-learning", { type: "bar", data: { labels: lrows.map(function (r) { return (r.commune_name || r.commune || "?") + " · " + (BD.GROUP[r.group] || r.group); }), datasets: [
      { label: "% độ phủ", backgroundColor: COLORS[2], data: lrows.map(function (r) { return r.coverage_pct || 0; }) },
      { label: "% chỉ tiêu", backgroundColor: COLORS[4], data: lrows.map(function (r) { return r.target_pct || 0; }) }] },
      options: { scales: { y: { beginAtZero: true, max: 100 } } } });

    var shown = {
      topics: { columns: t.topics.columns, rows: t.topics.rows.map(function (r) { return Object.assign({}, r, { topic: BD.TOPIC[r.topic] || r.topic }); }) },
      learning: { columns: t.learning.columns, rows: t.learning.rows.map(function (r) { return Object.assign({}, r, { group: BD.GROUP[r.group] || r.group }); }) },
      messages: { columns: t.messages.columns, rows: t.messages.rows.map(function (r) { return Object.assign({}, r, { channel: CHANNEL[r.channel] || r.channel }); }) }
    };
    if (t.scam_weeks) {
      draw("chart-scam", { type: "bar", data: { labels: t.scam_weeks.rows.map(function (r) { return r.week; }), datasets: [
        { label: "Nguy hiểm", backgroundColor: COLORS[3], data: t.scam_weeks.rows.map(function (r) { return r.danger; }) },
        { label: "Đáng ngờ", backgroundColor: COLORS[4], data: t.scam_weeks.rows.map(function (r) { return r.suspicious; }) },
        { label: "Chưa thấy dấu hiệu", backgroundColor: COLORS[0], data: t.scam_weeks.rows.map(function (r) { return r.no_signs; }) },
        { label: "Chính thức", backgroundColor: COLORS[2], data: t.scam_weeks.rows.map(function (r) { return r.official; }) }] },
        options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } } });
    }
    ["messages", "answers", "topics", "guides", "tickets", "learning", "scam_weeks", "scam_hosts"].forEach(function (name) {
      var box = $("t-" + name); if (!box || !t[name]) { return; } box.textContent = ""; box.appendChild(BD.table(shown[name] || t[name], { id: "table-" + name }));
    });
    document.querySelectorAll("a.csv").forEach(function (a) {
      a.href = "/api/admin/dashboard/" + a.dataset.table + ".csv?since=" + d.since + "&until=" + d.until;
    });
    if (d.scope.length) { $("scope").hidden = false; $("scope").textContent = "Bạn đang xem phiếu và học viên của các xã: " + d.scope.join(", ") + "."; }
    BD.say("status", "Số liệu từ " + d.since + " đến " + d.until + ".");
  }

  function load() {
    BD.say("status", "Đang tải…");
    BD.api("GET", "/api/admin/dashboard?since=" + $("since").value + "&until=" + $("until").value).then(render)
      .catch(function (e) { BD.say("status", e.message, "error"); });
  }

  var until = new Date(), since = new Date(Date.now() - 29 * 864e5);
  $("since").value = BD.param("since") || iso(since);
  $("until").value = BD.param("until") || iso(until);
  $("period").addEventListener("submit", function (ev) { ev.preventDefault(); load(); });
  BD.ready.then(load);
})();
