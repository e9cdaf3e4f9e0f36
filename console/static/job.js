// Live job progress: poll the job's counts every second while it runs; no page reload.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  var job = box.getAttribute("data-job");
  var fields = { status: "job-status", pages: "job-pages", items: "job-items", clues_new: "job-clues",
                 clues_updated: "job-updated", errors: "job-errors" };
  function show(p) {
    Object.keys(fields).forEach(function (k) { document.getElementById(fields[k]).textContent = String(p[k]); });
    if (p.ended_at) { document.getElementById("ended").textContent = p.ended_at; }
    var list = document.getElementById("job-messages");
    list.textContent = "";
    (p.error_messages || []).forEach(function (m) { var li = document.createElement("li"); li.textContent = m; list.appendChild(li); });
    document.getElementById("polled").textContent = " 更新于 " + new Date().toLocaleTimeString();
  }
  function poll() {
    fetch("/jobs/" + encodeURIComponent(job) + "/progress", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (p) { show(p); }
        if (!p || p.status === "running") { setTimeout(poll, 1000); }
        else { var c = document.getElementById("cancel"); if (c) { c.disabled = true; } }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
