// FAQ proposals: review (near-duplicates grouped), edit, approve (becomes a guide, indexed at once), reject with a reason.
(function () {
  "use strict";
  var $ = BD.$, el = BD.el;
  var STATUS = { pending: "Chờ duyệt", approved: "Đã duyệt", rejected: "Đã từ chối" };

  function proposal(p) {
    var box = el("div", { cls: "card proposal", "data-id": String(p.id) });
    var q = el("textarea", { rows: "2", maxlength: "500", "aria-label": "Câu hỏi" }); q.value = p.question;
    var a = el("textarea", { rows: "4", maxlength: "4000", "aria-label": "Câu trả lời" }); a.value = p.answer;
    var reason = el("input", { maxlength: "1000", placeholder: "Lý do từ chối", "aria-label": "Lý do từ chối" });
    var msg = el("p", { cls: "note", role: "status" });
    box.appendChild(el("p", { cls: "note", text: "#" + p.id + " · " + (STATUS[p.status] || p.status) + " · " + (p.proposed_by || "?") +
      (p.ticket_id ? " · phiếu #" + p.ticket_id : "") + " · " + BD.fmt(p.created_at) + (p.doc_id ? " · bài " + p.doc_id : "") +
      (p.review_reason ? " · lý do: " + p.review_reason : "") }));
    box.appendChild(el("label", {}, ["Câu hỏi", q]));
    box.appendChild(el("label", {}, ["Câu trả lời", a]));
    if (p.status === "pending") {
      var approve = el("button", { type: "button", text: "Duyệt và đăng" });
      approve.addEventListener("click", function () {
        approve.disabled = true; msg.textContent = "Đang đăng và cập nhật chỉ mục…"; msg.className = "note";
        BD.api("POST", "/api/faq-proposals/" + p.id + "/approve", { question: q.value, answer: a.value }).then(function (d) {
          msg.textContent = "Đã duyệt. Bài " + d.proposal.doc_id + " đã có trong trợ lý."; msg.className = "ok";
        }).catch(function (e) { msg.textContent = e.message; msg.className = "error"; approve.disabled = false; });
      });
      var reject = el("button", { type: "button", cls: "secondary", text: "Từ chối" });
      reject.addEventListener("click", function () {
        if (!reason.value.trim()) { msg.textContent = "Hãy ghi lý do từ chối."; msg.className = "error"; reason.focus(); return; }
        BD.api("POST", "/api/faq-proposals/" + p.id + "/reject", { reason: reason.value }).then(function () {
          msg.textContent = "Đã từ chối."; msg.className = "ok"; approve.disabled = reject.disabled = true;
        }).catch(function (e) { msg.textContent = e.message; msg.className = "error"; });
      });
      box.appendChild(el("div", { cls: "row" }, [approve, el("label", {}, [reason]), reject]));
    }
    box.appendChild(msg);
    return box;
  }

  function load() {
    BD.api("GET", "/api/faq-proposals?status=" + $("status-filter").value).then(function (d) {
      var root = $("groups"); root.textContent = "";
      d.groups.forEach(function (g) {
        var sec = el("section", { cls: "group" }, [el("h2", { text: g.count > 1 ? "Nhóm " + g.count + " đề xuất giống nhau" : "Đề xuất" })]);
        g.proposals.forEach(function (p) { sec.appendChild(proposal(p)); });
        root.appendChild(sec);
      });
      BD.say("status", d.groups.length ? "" : "Không có đề xuất nào.");
    }).catch(function (e) { BD.say("status", e.message, "error"); });
  }
  $("filters").addEventListener("submit", function (ev) { ev.preventDefault(); load(); });
  BD.ready.then(load);
})();
