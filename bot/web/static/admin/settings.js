// Citizen-facing settings: service hours and days, hand-off times (SLA), greeting texts. Validated by the server.
(function () {
  "use strict";
  var $ = BD.$, el = BD.el;
  var DAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"];
  var NUMBERS = [["pool_after_min", "Phút chờ xã nhận phiếu, sau đó chuyển cho cả tỉnh"], ["urgent_pool_after_min", "Như trên, với phiếu khẩn"],
    ["silence_remind_min", "Phút công dân im lặng thì nhắc"], ["silence_close_min", "Phút công dân im lặng thì tự đóng phiếu"],
    ["expire_after_hours", "Giờ phiếu không ai nhận thì hết hạn"]];
  var current = null;

  NUMBERS.forEach(function (n) {
    $("numbers").appendChild(el("label", {}, [n[1] + " ", el("input", { id: "s-" + n[0], type: "number", step: "any", min: "0" })]));
    $("numbers").appendChild(el("p", { id: "e-" + n[0], cls: "error" }));
  });
  DAYS.forEach(function (d, i) { $("s-days").appendChild(el("label", {}, [el("input", { type: "checkbox", value: String(i), id: "day-" + i }), " " + d])); });

  function show(d) {
    current = d;
    $("tz").textContent = d.timezone;
    var v = d.values;
    $("s-hours").value = v.hours;
    DAYS.forEach(function (_, i) { $("day-" + i).checked = v.days.indexOf(i) >= 0; });
    NUMBERS.forEach(function (n) { $("s-" + n[0]).value = v[n[0]]; });
    $("s-greeting_vi").value = v.greeting_vi; $("s-greeting_en").value = v.greeting_en;
  }

  $("settings").addEventListener("submit", function (ev) {
    ev.preventDefault();
    document.querySelectorAll("p.error").forEach(function (p) { p.textContent = ""; });
    var form = { hours: $("s-hours").value.trim(), greeting_vi: $("s-greeting_vi").value, greeting_en: $("s-greeting_en").value,
      days: DAYS.map(function (_, i) { return $("day-" + i).checked ? i : -1; }).filter(function (i) { return i >= 0; }) };
    NUMBERS.forEach(function (n) { form[n[0]] = $("s-" + n[0]).value === "" ? "" : Number($("s-" + n[0]).value); });
    var changes = {};
    Object.keys(form).forEach(function (k) {
      var now = form[k], was = current.values[k];
      if (now === "" || (typeof now === "string" && !now.trim())) { if (current.overrides.indexOf(k) >= 0) { changes[k] = null; } return; }
      if (JSON.stringify(now) !== JSON.stringify(was)) { changes[k] = now; }
    });
    if (!Object.keys(changes).length) { BD.say("status", "Không có gì thay đổi."); return; }
    BD.api("POST", "/api/admin/settings", { changes: changes }).then(function (d) { show(d); BD.say("status", "Đã lưu. Trợ lý dùng cài đặt mới ngay.", "ok"); })
      .catch(function (e) {
        var errs = (e.detail && e.detail.errors) || {};
        Object.keys(errs).forEach(function (k) { if ($("e-" + k)) { $("e-" + k).textContent = errs[k]; } });
        BD.say("status", e.message, "error");
      });
  });
  BD.ready.then(function () { BD.api("GET", "/api/admin/settings").then(show); });
})();
