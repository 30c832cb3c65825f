// The unanswered inbox: groups of similar questions; write a guide, link to a guide (adds the phrasing), ignore.
(function () {
  "use strict";
  var $ = BD.$, el = BD.el;

  function runJob(job) {
    $("job-box").hidden = false;
    return BD.pollJob(job.id, function (j) {
      $("job-progress").max = Math.max(1, j.total); $("job-progress").value = j.status === "done" ? $("job-progress").max : j.done;
      BD.say("job-status", BD.jobText(j), j.status === "failed" ? "error" : (j.status === "done" ? "ok" : "note"));
    });
  }

  function group(g) {
    var li = el("li", { cls: "card group" });
    var status = el("p", { cls: "note", role: "status" });
    var docInput = el("input", { list: "guide-ids", value: g.nearest_guide || "", maxlength: "200", "aria-label": "Mã bài hướng dẫn" });
    var phrasing = el("input", { value: g.phrasing, maxlength: "300", "aria-label": "Câu hỏi thêm vào bài" });
    var linkForm = el("form", { cls: "row", hidden: true }, [
      el("label", {}, ["Mã bài ", docInput]), el("label", {}, ["Câu hỏi thêm vào bài ", phrasing]), el("button", { type: "submit", text: "Gắn vào bài" })]);
    linkForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      BD.api("POST", "/api/admin/unanswered/link", { question_ids: g.question_ids, doc_id: docInput.value.trim(), phrasing: phrasing.value })
        .then(function (d) { return runJob(d.job); })
        .then(function (j) { if (j.status === "done") { li.remove(); } })
        .catch(function (e) { status.textContent = e.message; status.className = "error"; });
    });
    li.appendChild(el("p", {}, [el("b", { text: g.count + " lần hỏi" }), " · chưa trả lời được " + g.not_covered + " · bấm “Chưa đúng” " + g.not_helpful +
      " · lần cuối " + BD.fmt(g.last_at)]));
    li.appendChild(el("ul", {}, g.examples.map(function (x) { return el("li", { text: x }); })));
    if (g.nearest_guide) { li.appendChild(el("p", { cls: "note", text: "Bài gần nhất trợ lý tìm được: " + g.nearest_guide })); }
    li.appendChild(el("div", { cls: "row" }, [
      el("button", { type: "button", text: "Viết bài mới", onclick: function () {
        sessionStorage.setItem("bd-new-guide", JSON.stringify({ questions: g.examples.slice(0, 4), title: g.phrasing, question_ids: g.question_ids }));
        location.href = "/admin/kb/edit?new=1";
      } }),
      el("button", { type: "button", cls: "secondary", text: "Gắn vào bài có sẵn", onclick: function () { linkForm.hidden = !linkForm.hidden; } }),
      el("button", { type: "button", cls: "secondary", text: "Bỏ qua", onclick: function () {
        BD.api("POST", "/api/admin/unanswered/ignore", { question_ids: g.question_ids }).then(function () { li.remove(); })
          .catch(function (e) { status.textContent = e.message; status.className = "error"; });
      } })]));
    li.appendChild(linkForm);
    li.appendChild(status);
    return li;
  }

  function load() {
    BD.say("status", "Đang tải…");
    BD.api("GET", "/api/admin/unanswered?days=" + $("days").value).then(function (d) {
      var ul = $("groups"); ul.textContent = "";
      d.groups.forEach(function (g) { ul.appendChild(group(g)); });
      BD.say("status", d.questions + " câu hỏi trong " + d.groups.length + " nhóm." + (d.groups.length ? "" : " Không có câu hỏi nào cần xem."));
    }).catch(function (e) { BD.say("status", e.message, "error"); });
  }
  $("filters").addEventListener("submit", function (ev) { ev.preventDefault(); load(); });
  BD.ready.then(function () {
    load();
    BD.api("GET", "/api/admin/kb/guides?kind=guide").then(function (d) {
      var dl = $("guide-ids");
      d.documents.forEach(function (r) { if (r.status === "published") { dl.appendChild(el("option", { value: r.id, text: r.title })); } });
    });
  });
})();
