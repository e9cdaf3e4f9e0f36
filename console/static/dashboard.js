// Dashboard charts (Apache ECharts, vendored): data comes from the JSON block the page carries.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var STATUS = { "new": "待研判", review: "复核", confirmed: "构成违法", dismissed: "不构成违法", transferred: "已移交", closed: "已归档" };

  function pairs(counts) {
    return Object.keys(counts).map(function (k) { return [k, counts[k]]; }).sort(function (a, b) { return b[1] - a[1]; });
  }
  function bar(id, title, counts) {
    var rows = pairs(counts).slice(0, 15).reverse().map(function (r) { return [r[0] === "-" ? "未知" : r[0], r[1]]; });
    echarts.init(document.getElementById(id)).setOption({
      title: { text: title, textStyle: { fontSize: 14 } }, tooltip: {}, grid: { left: 140, right: 20, top: 36, bottom: 20 },
      xAxis: { type: "value", minInterval: 1 }, yAxis: { type: "category", data: rows.map(function (r) { return r[0]; }) },
      series: [{ type: "bar", data: rows.map(function (r) { return r[1]; }), itemStyle: { color: "#2a6fb0" } }]
    });
  }
  function pie(id, title, counts, labels) {
    echarts.init(document.getElementById(id)).setOption({
      title: { text: title, textStyle: { fontSize: 14 } }, tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "65%"], data: pairs(counts).map(function (r) { return { name: (labels && labels[r[0]]) || r[0], value: r[1] }; }) }]
    });
  }
  var families = Object.keys(data.series);
  echarts.init(document.getElementById("chart-time")).setOption({
    title: { text: "近30天新发现线索（按类别）", textStyle: { fontSize: 14 } }, tooltip: { trigger: "axis" },
    legend: { type: "scroll", bottom: 0 }, grid: { left: 50, right: 20, top: 40, bottom: 56 },
    xAxis: { type: "category", data: data.days }, yAxis: { type: "value", minInterval: 1 },
    series: families.map(function (f) { return { name: f, type: "bar", stack: "all", data: data.series[f] }; })
  });
  bar("chart-family", "按类别", data.counts.family);
  bar("chart-platform", "按平台", data.counts.platform);
  pie("chart-severity", "按等级", data.counts.severity);
  bar("chart-region", "按属地（省）", data.counts.region);
  pie("chart-status", "处置状态", data.statuses, STATUS);
  window.addEventListener("resize", function () {
    document.querySelectorAll(".chart").forEach(function (el) { var c = echarts.getInstanceByDom(el); if (c) { c.resize(); } });
  });
})();
