// Charts: <div class="chart" data-chart='{…ECharts option JSON…}'></div>
//
// Every such element is drawn with ECharts (vendor/echarts.min.js, loaded before this file)
// when the page loads and whenever htmx brings in new content; a chart drawn again is
// disposed first, and charts follow the window's size. A data item such as
// {"value": 12, "name": "兰州", "url": "/units/62", "drill": true} (or any item with a
// "url" in a series that has "drill": true) opens its url when clicked: the drill-down.
// Only links on this site are followed. No build step: plain ES2015.
//
// Radars ({"radar": …, "series": [{"type": "radar"}]}), lines and stacked bars (the
// development index and its contributions) are plain ECharts options. What JSON cannot
// carry is a function: a custom series names its drawing instead, one of `renderers`
// below — {"type": "custom", "renderItem": "interval", "data": [[x, low, high], …]} draws
// a vertical bar with caps from low to high at category x (a rank's 5–95 % interval).
(function () {
  "use strict";

  var renderers = {
    interval: function (params, api) {
      var x = api.value(0);
      var low = api.coord([x, api.value(1)]);
      var high = api.coord([x, api.value(2)]);
      var half = Math.max(3, Math.min(10, api.size([1, 0])[0] * 0.2));
      var style = { stroke: api.visual("color"), fill: null, lineWidth: 2 };
      return {
        type: "group",
        children: [
          { type: "line", shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style: style },
          { type: "line", shape: { x1: low[0] - half, y1: low[1], x2: low[0] + half, y2: low[1] }, style: style },
          { type: "line", shape: { x1: high[0] - half, y1: high[1], x2: high[0] + half, y2: high[1] }, style: style }
        ]
      };
    }
  };

  // Replaces the names of drawings by the drawings; an unknown name leaves the series out.
  function resolve(option) {
    if (!option || !option.series) return;
    option.series = [].concat(option.series).filter(function (s) {
      if (!s || s.type !== "custom" || typeof s.renderItem !== "string") return true;
      var fn = renderers[s.renderItem];
      if (!fn) {
        console.error("charts.js: no drawing named", s.renderItem);
        return false;
      }
      s.renderItem = fn;
      return true;
    });
  }

  function draw(el) {
    var old = echarts.getInstanceByDom(el);
    if (old) old.dispose();
    // Content restored from htmx's history cache still holds the old canvas.
    el.removeAttribute("_echarts_instance_");
    el.textContent = "";
    var option;
    try {
      option = JSON.parse(el.getAttribute("data-chart"));
    } catch (err) {
      console.error("charts.js: data-chart is not JSON", el, err);
      el.setAttribute("data-chart-error", "");
      return;
    }
    resolve(option);
    if (!el.clientHeight) el.style.height = "320px";
    var chart = echarts.init(el);
    chart.setOption(option);
    chart.on("click", function (params) {
      var item = params.data;
      if (!item || typeof item !== "object" || !item.url) return;
      var series = [].concat(option.series || [])[params.seriesIndex] || {};
      if (item.drill !== true && series.drill !== true) return;
      var url = new URL(item.url, location.href);
      if (url.origin === location.origin) location.assign(url.href);
    });
  }

  function scan(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches(".chart[data-chart]")) draw(root);
    root.querySelectorAll(".chart[data-chart]").forEach(draw);
  }

  function each(fn) {
    document.querySelectorAll(".chart[data-chart]").forEach(function (el) {
      var chart = echarts.getInstanceByDom(el);
      if (chart) fn(chart);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scan(document); });
  } else {
    scan(document);
  }

  // htmx 2 fires htmx:load on every element it swaps in, and once on <body> at start
  // (already drawn above).
  document.addEventListener("htmx:load", function (e) {
    if (e.target !== document.body) scan(e.target);
  });

  // Free the chart of an element htmx is about to remove.
  document.addEventListener("htmx:beforeCleanupElement", function (e) {
    var el = e.target;
    if (el.classList && el.classList.contains("chart")) {
      var chart = echarts.getInstanceByDom(el);
      if (chart) chart.dispose();
    }
  });

  var pending = false;
  window.addEventListener("resize", function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      each(function (chart) { chart.resize(); });
    });
  });
})();

// The evaluation report (templates/evaluation_report.html) when printed: its charts
// (whose options turn animation off, so that they are drawn at once) are redrawn at the
// width of the printed A4 page (156 mm between the GB/T 9704 margins, about 590 CSS
// pixels) before printing and at the screen's width after.
(function () {
  "use strict";

  var PRINTED_WIDTH = 590;

  function reportCharts(fn) {
    if (!window.echarts) return;
    document.querySelectorAll(".evaluation-report .chart[data-chart]").forEach(function (el) {
      var chart = echarts.getInstanceByDom(el);
      if (chart) fn(chart);
    });
  }

  window.addEventListener("beforeprint", function () {
    reportCharts(function (chart) { chart.resize({ width: PRINTED_WIDTH }); });
  });
  window.addEventListener("afterprint", function () {
    reportCharts(function (chart) { chart.resize(); });
  });
})();
