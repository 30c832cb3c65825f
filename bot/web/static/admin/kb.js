// The knowledge base: index status and re-index, uploads with a preview, the list with filters, the stale report.
(function () {
  "use strict";
  var $ = BD.$, el = BD.el;
  var KIND = { guide: "Bài hướng dẫn", faq: "Hỏi đáp", procedure: "Thủ tục", document: "Tài liệu", table: "Bảng hỏi đáp" };

  function runJob(job, after) {
    $("job-box").hidden = false;
    return BD.pollJob(job.id, function (j) {
      $("job-progress").max = Math.max(1, j.total); $("job-progress").value = j.status === "done" ? $("job-progress").max : j.done;
      BD.say("job-status", BD.jobText(j), j.status === "failed" ? "error" : (j.status === "done" ? "ok" : "note"));
    }).then(function (j) { loadList(); loadStale(); if (after) { after(j); } return j; });
  }
  BD.runJob = runJob;

  $("reindex").addEventListener("click", function () {
    $("reindex").disabled = true;
    BD.api("POST", "/api/admin/kb/reindex").then(function (d) { return runJob(d.job); })
      .catch(function (e) { BD.say("job-status", e.message, "error"); }).finally(function () { $("reindex").disabled = false; });
  });

  // ---- uploads ----
  var lastFile = null;
  function uploadUrl(kind, publish) {
    var f = $("file").files[0];
    return "/api/admin/kb/" + kind + "?filename=" + encodeURIComponent(f.name) + "&topic=" + $("up-topic").value +
      "&lang=" + $("up-lang").value + "&doc_id=" + encodeURIComponent($("up-id").value.trim()) + (publish ? "&publish=true" : "");
  }
  function list(items, cls) { return el("ul", { cls: cls }, items.map(function (x) { return el("li", { text: x }); })); }
  function showPreview(p) {
    var box = $("preview"); box.textContent = "";
    if (p.errors.length) { box.appendChild(el("h3", { text: "Lỗi (chưa nhập gì)", cls: "error" })); box.appendChild(list(p.errors, "error")); }
    if (p.warnings.length) { box.appendChild(el("h3", { text: "Nên xem lại", cls: "warn" })); box.appendChild(list(p.warnings, "warn")); }
    if (p.kind === "table") {
      box.appendChild(el("p", { text: "Sẽ nhập " + p.valid_rows + " dòng; bỏ qua " + p.bad_rows + " dòng có lỗi." }));
      box.appendChild(BD.table({ columns: [["line", "Dòng"], ["id", "Mã"], ["question", "Câu hỏi"], ["answer", "Câu trả lời"], ["topic", "Chủ đề"], ["error", "Lỗi"]],
        rows: p.rows.map(function (r) { return Object.assign({}, r, { error: r.error || "" }); }) }, { id: "preview-rows" }));
    }
    p.documents.forEach(function (d) {
      box.appendChild(el("p", {}, ["Bài ", el("b", { text: d.title }), " (mã " + d.id + ", " + d.topic + ", " + d.lang + ") sẽ có " + d.chunks.length + " đoạn tìm kiếm."]));
      box.appendChild(el("details", {}, [el("summary", { text: "Các đoạn sẽ được lập chỉ mục" })].concat(d.chunks.map(function (c) {
        return el("div", { cls: "chunk", text: (c.heading ? "【" + c.heading + "】\n" : "") + c.text }); }))));
    });
    $("save-draft").disabled = $("save-publish").disabled = !p.ok;
  }
  $("upload-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    lastFile = $("file").files[0];
    if (!lastFile) { return; }
    BD.say("upload-status", "Đang đọc tệp…");
    BD.api("POST", uploadUrl("preview"), undefined, lastFile).then(function (d) {
      showPreview(d.preview);
      BD.say("upload-status", d.preview.ok ? "Tệp đọc được. Hãy xem lại rồi lưu." : "Tệp có lỗi, chưa thể nhập.", d.preview.ok ? "ok" : "error");
    }).catch(function (e) { BD.say("upload-status", e.message, "error"); });
  });
  function save(publish) {
    $("save-draft").disabled = $("save-publish").disabled = true;
    BD.api("POST", uploadUrl("upload", publish), undefined, $("file").files[0]).then(function (d) {
      BD.say("upload-status", "Đã lưu bản nháp “" + d.draft + "”." + (publish ? " Đang đăng…" : ""), "ok");
      loadList();
      if (d.job) { return runJob(d.job); }
    }).catch(function (e) {
      if (e.detail && e.detail.preview) { showPreview(e.detail.preview); }
      BD.say("upload-status", e.message, "error");
    });
  }
  $("save-draft").addEventListener("click", function () { save(false); });
  $("save-publish").addEventListener("click", function () { save(true); });
  $("file").addEventListener("change", function () { $("save-draft").disabled = $("save-publish").disabled = true; $("preview").textContent = ""; });

  // ---- list ----
  function badge(text, cls) { return el("span", { cls: "badge " + (cls || ""), text: text }); }
  function loadList() {
    var q = "?q=" + encodeURIComponent($("q").value) + "&topic=" + $("f-topic").value + "&lang=" + $("f-lang").value +
      "&kind=" + $("f-kind").value + ($("f-stale").checked ? "&stale=true" : "");
    return BD.api("GET", "/api/admin/kb/guides" + q).then(function (d) {
      $("index-info").textContent = "Bản chỉ mục " + (d.index.build_id || "?") + " · " + d.indexed + " tài liệu đã lập chỉ mục · " +
        d.drafts + " bản nháp · " + d.stale + " bài cần rà soát · " + d.broken + " bài có liên kết hỏng.";
      var sel = $("f-topic");
      if (sel.options.length <= 1) { d.topics.forEach(function (t) { sel.appendChild(el("option", { value: t, text: BD.TOPIC[t] || t })); }); }
      var rows = d.documents.map(function (r) {
        var marks = [r.status === "draft" ? badge("Bản nháp", "draft") : null, r.draft && r.status !== "draft" ? badge("Có bản nháp", "draft") : null,
          r.origin === "managed" ? badge("Sửa trên web", "managed") : null, r.stale ? badge("Cần rà soát", "stale") : null,
          r.broken_links.length ? badge("Liên kết hỏng", "stale") : null];
        return el("tr", {}, [el("td", {}, [el("a", { href: "/admin/kb/edit?id=" + encodeURIComponent(r.id), text: r.title || r.id })]),
          el("td", { text: r.id }), el("td", { text: KIND[r.kind] || r.kind }), el("td", { text: BD.TOPIC[r.topic] || r.topic }), el("td", { text: r.lang }),
          el("td", { cls: "num", text: String(r.chunks) }), el("td", { text: r.reviewed_on }), el("td", {}, marks)]);
      });
      var head = el("tr", {}, ["Tên bài", "Mã", "Loại", "Chủ đề", "Ngôn ngữ", "Đoạn", "Rà soát", ""].map(function (h) { return el("th", { text: h }); }));
      var box = $("list"); box.textContent = "";
      box.appendChild(el("div", { cls: "scroll" }, [el("table", { id: "guides" }, [el("thead", {}, [head]), el("tbody", {}, rows)])]));
      BD.say("list-status", "Có " + d.total + " bài" + (d.total > d.documents.length ? " (hiện " + d.documents.length + ")" : "") + ".");
    }).catch(function (e) { BD.say("list-status", e.message, "error"); });
  }
  $("filters").addEventListener("submit", function (ev) { ev.preventDefault(); loadList(); });

  function loadStale() {
    return BD.api("GET", "/api/admin/kb/stale").then(function (d) {
      $("stale-note").textContent = "Bài chưa rà soát quá " + d.stale_after_days + " ngày, có số liệu đã quá hạn kiểm tra lại (check_by), hoặc có nguồn đã biết là hỏng.";
      var box = $("stale"); box.textContent = "";
      box.appendChild(BD.table({ columns: [["id", "Mã"], ["title", "Tên bài"], ["reviewed_on", "Rà soát lần cuối"], ["age_days", "Số ngày"], ["due", "Số liệu quá hạn kiểm tra"], ["links", "Liên kết hỏng"]],
        rows: d.rows.map(function (r) {
          var due = (r.facts_due || []).map(function (f) { return f.text + " (" + (f.check_by || "?") + ")"; }).join("; ");
          return Object.assign({}, r, { links: r.broken_links.join(" "), due: due });
        }) }, { id: "stale-table", empty: "Không có bài nào cần rà soát." }));
    });
  }

  BD.ready.then(function () {
    loadList(); loadStale();
    BD.api("GET", "/api/admin/kb/jobs").then(function (d) {
      var running = d.jobs.filter(function (j) { return j.status === "running"; })[0];
      if (running) { runJob(running); }
    });
  });
})();
