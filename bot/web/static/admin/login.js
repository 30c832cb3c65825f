// The log-in page: after a good log-in, go back to the page that asked (same site only) or to the home of the role.
(function () {
  "use strict";
  var HOME = { admin: "/admin", viewer: "/admin", editor: "/admin/kb", volunteer: "/volunteer" };
  /* Only a plain path on this site (the rule of bot/core/redirects.py): one leading "/", no "//", no
     backslash, only printable ASCII (browsers drop tabs and newlines, so "/\t/evil" would become "//evil"),
     checked on the value and on every percent-decoding of it until it stops changing. */
  function plainPath(v) {
    return v.charAt(0) === "/" && v.charAt(1) !== "/" && v.indexOf("\\") < 0 && /^[\x21-\x7e]*$/.test(v);
  }
  function safeNext() {
    var n = new URLSearchParams(location.search).get("next") || "";
    if (!n || n.length > 2000) { return ""; }
    var cur = n;
    for (var i = 0; i < 10; i++) {
      if (!plainPath(cur)) { return ""; }
      var dec;
      try { dec = decodeURIComponent(cur); } catch (e) { return ""; }  /* not valid percent-encoding */
      if (dec === cur) { return n; }
      cur = dec;
    }
    return "";
  }
  document.getElementById("login-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var err = document.getElementById("login-error");
    err.textContent = "";
    fetch("/api/auth/login", {
      method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ username: document.getElementById("username").value, password: document.getElementById("password").value })
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (d) {
        if (r.status === 401) { err.textContent = "Sai tên đăng nhập hoặc mật khẩu."; return; }
        if (r.status === 429) { err.textContent = "Bạn đã thử quá nhiều lần. Hãy đợi một phút rồi thử lại."; return; }
        if (!r.ok) { err.textContent = "Không đăng nhập được (lỗi " + r.status + ")."; return; }
        document.getElementById("password").value = "";
        location.href = safeNext() || HOME[d.user.role] || "/admin";
      });
    }).catch(function () { err.textContent = "Không kết nối được máy chủ. Hãy thử lại."; });
  });
})();
