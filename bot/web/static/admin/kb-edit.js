// One guide: its chunks as indexed, the edit form (draft), publish / unpublish with visible progress.
(function () {
  "use strict";
  var $ = BD.$, el = BD.el;
  var docId = BD.param("id"), isNew = !docId, fromQuestions = [];

  function lines(v) { return v.split("\n").map(function (x) { return x.trim(); }).filter(Boolean); }
  function today() { var d = new Date(); return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0"); }
  function asList(v) { return Array.isArray(v) ? v : (v ? [String(v)] : []); }

  function fill(front, body) {
    $("f-id").value = front.id || ""; $("f-title").value = front.title || "";
    $("f-topic").value = front.topic || "general"; $("f-audience").value = front.audience || "all"; $("f-lang").value = front.lang || "vi";
    $("f-reviewed").value = String(front.reviewed_on || today()).slice(0, 10);
    $("f-sources").value = asList(front.source_url).join("\n"); $("f-summary").value = front.summary || "";
    $("f-tags").value = asList(front.tags).join(", "); $("f-questions").value = asList(front.questions).join("\n");
    $("f-body").value = body || "";
  }

  function runJob(job) {
    $("job-box").hidden = false;
    return BD.pollJob(job.id, function (j) {
      $("job-progress").max = Math.max(1, j.total); $("job-progress").value = j.status === "done" ? $("job-progress").max : j.done;
      BD.say("job-status", BD.jobText(j), j.status === "failed" ? "error" : (j.status === "done" ? "ok" : "note"));
    });
  }

  function load() {
    if (isNew) {
      $("title").textContent = "Viết bài mới";
      $("edit-card").hidden = false;
      var seed = {};
      try { seed = JSON.parse(sessionStorage.getItem("bd-new-guide") || "{}"); sessionStorage.removeItem("bd-new-guide"); } catch (e) { seed = {}; }
      fromQuestions = seed.question_ids || [];
      fill({ questions: seed.questions || [], reviewed_on: today(), title: seed.title || "" },
           "Trả lời ngắn gọn ở đây.\n\n## Các bước\n1. \n2. \n\n## Lưu ý\n- \n");
      if (fromQuestions.length) { BD.say("status", "Bài mới cho " + fromQuestions.length + " câu hỏi người dân chưa được trả lời."); }
      return Promise.resolve();
    }
    return BD.api("GET", "/api/admin/kb/guides/" + encodeURIComponent(docId)).then(function (d) {
      $("title").textContent = d.title || d.id;
      var where = d.origin === "draft" ? "Bạn đang xem bản nháp (chưa đăng)." : (d.origin === "managed" ? "Bài đã sửa trên web." : (d.origin === "bundled" ? "Bài gốc trong kho; bản sửa sẽ thay bài gốc khi đăng." : ""));
      $("state").textContent = (d.published ? "Đang được trợ lý dùng. " : "Chưa đăng. ") + where;
      if (d.editable) { $("edit-card").hidden = false; fill(d.front, d.body); $("f-id").readOnly = true; }
      $("publish").disabled = !d.has_draft;
      $("delete-draft").hidden = !d.has_draft;
      $("unpublish").hidden = !(d.published && d.origin !== "bundled");
      if (d.chunks) {
        $("chunks-card").hidden = false;
        var box = $("chunks"); box.textContent = "";
        d.chunks.forEach(function (c) { box.appendChild(el("div", { cls: "chunk", text: "#" + c.ordinal + (c.heading ? " · " + c.heading : "") + "\n" + c.text })); });
      }
      if (!d.editable) { BD.say("status", "Loại tài liệu này chỉ xem được ở đây; hãy sửa tệp gốc rồi tải lên lại."); }
    }).catch(function (e) { BD.say("status", e.message, "error"); });
  }

  $("edit").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var front = { id: $("f-id").value.trim(), title: $("f-title").value.trim(), topic: $("f-topic").value, audience: $("f-audience").value,
      lang: $("f-lang").value, reviewed_on: $("f-reviewed").value, source_url: lines($("f-sources").value), summary: $("f-summary").value.trim(),
      tags: $("f-tags").value.split(",").map(function (x) { return x.trim(); }).filter(Boolean), questions: lines($("f-questions").value) };
    BD.say("status", "Đang lưu…");
    $("warnings").textContent = "";
    BD.api("POST", "/api/admin/kb/drafts", { front: front, body: $("f-body").value, editing: isNew ? null : docId, question_ids: fromQuestions })
      .then(function (d) {
        fromQuestions = [];
        BD.say("status", "Đã lưu bản nháp. Bấm “Đăng lên trợ lý” để người dân thấy bài này.", "ok");
        if (d.warnings.length) { $("warnings").appendChild(el("ul", { cls: "warn" }, d.warnings.map(function (w) { return el("li", { text: w }); }))); }
        if (isNew) { history.replaceState(null, "", "/admin/kb/edit?id=" + encodeURIComponent(d.draft)); docId = d.draft; isNew = false; $("f-id").readOnly = true; }
        $("publish").disabled = false; $("delete-draft").hidden = false;
      }).catch(function (e) {
        BD.say("status", e.message, "error");
        var errs = (e.detail && e.detail.errors) || [];
        if (errs.length) { $("warnings").appendChild(el("ul", { cls: "error" }, errs.map(function (w) { return el("li", { text: w }); }))); }
      });
  });

  $("publish").addEventListener("click", function () {
    $("publish").disabled = true;
    BD.api("POST", "/api/admin/kb/drafts/" + encodeURIComponent(docId) + "/publish").then(function (d) { return runJob(d.job); })
      .then(function (j) { if (j.status === "done") { load(); } else { $("publish").disabled = false; } })
      .catch(function (e) { BD.say("status", e.message, "error"); $("publish").disabled = false; });
  });
  $("unpublish").addEventListener("click", function () {
    BD.api("POST", "/api/admin/kb/guides/" + encodeURIComponent(docId) + "/unpublish").then(function (d) { return runJob(d.job); })
      .then(load).catch(function (e) { BD.say("status", e.message, "error"); });
  });
  $("delete-draft").addEventListener("click", function () {
    BD.api("DELETE", "/api/admin/kb/drafts/" + encodeURIComponent(docId)).then(function () { BD.say("status", "Đã xoá bản nháp.", "ok"); load(); })
      .catch(function (e) { BD.say("status", e.message, "error"); });
  });

  BD.ready.then(load);
})();
