// The big-screen overview: fetch the figures, draw them with ECharts, again every N seconds.
(function () {
  "use strict";
  const root = document.getElementById("screen");
  const url = root.dataset.url;
  const refresh = Number(root.dataset.refresh || 30) * 1000;
  const text = { color: "#dfe8f5" };
  // Words come translated from the page (gettext), never written here.
  const words = { reported: root.dataset.reported, closed: root.dataset.closed, empty: root.dataset.empty, offline: root.dataset.offline };
  const charts = {};
  const LANG = document.documentElement.lang || "zh-hans";

  function chart(id) {
    if (!charts[id]) {
      const el = document.getElementById(id);
      charts[id] = echarts.init(el, null, { renderer: "canvas" });
      charts[id].__title = el.dataset.title;
    }
    return charts[id];
  }
  function title(c) { return { text: c.__title, textStyle: { color: "#fff", fontSize: 16 }, left: 8, top: 4 }; }
  function set(id, value) { document.getElementById(id).textContent = value; }

  function emptyNote(rows) {
    return rows.length ? [] : [{ text: words.empty, left: "center", top: "middle", textStyle: { color: "#9fb5d3", fontSize: 18, fontWeight: "normal" } }];
  }
  function pie(id, rows) {
    const c = chart(id);
    c.setOption({
      title: [title(c)].concat(emptyNote(rows)), tooltip: { trigger: "item" },
      legend: { bottom: 0, textStyle: text, type: "scroll" },
      series: [{ type: "pie", radius: ["35%", "65%"], center: ["50%", "52%"],
        label: { color: "#fff", formatter: "{b}\n{c}" },
        data: rows.map((r) => ({ name: r.name, value: r.value })) }],
    }, true);
  }
  function bars(id, rows, horizontal) {
    const c = chart(id);
    const names = rows.map((r) => r.name), values = rows.map((r) => r.value);
    const cat = { type: "category", data: names, axisLabel: { color: "#dfe8f5", interval: 0, rotate: horizontal ? 0 : 30 } };
    const val = { type: "value", minInterval: 1, axisLabel: text, splitLine: { lineStyle: { color: "#2a3d5c" } } };
    c.setOption({
      title: [title(c)].concat(emptyNote(rows)), tooltip: { trigger: "axis" },
      grid: { left: horizontal ? 130 : 50, right: 40, top: 56, bottom: horizontal ? 20 : 70 },
      xAxis: horizontal ? val : cat, yAxis: horizontal ? Object.assign(cat, { inverse: true }) : val,
      series: [{ type: "bar", data: values, itemStyle: { color: "#3aa0ff" }, label: { show: true, color: "#fff", position: horizontal ? "right" : "top" } }],
    }, true);
  }

  function draw(d) {
    set("k-today", d.today.total); set("k-closed", d.closed_today); set("k-month", d.month.total);
    set("k-open", d.open.total); set("k-due-soon", d.open.due_soon); set("k-overdue", d.open.overdue);
    set("k-key", d.open.key);
    const t = chart("c-trend");
    t.setOption({
      title: title(t), tooltip: { trigger: "axis" }, legend: { data: [words.reported, words.closed], textStyle: text, right: 10, top: 4 },
      grid: { left: 50, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: d.trend.map((r) => r.day.slice(5)), axisLabel: text },
      yAxis: { type: "value", minInterval: 1, axisLabel: text, splitLine: { lineStyle: { color: "#2a3d5c" } } },
      series: [
        { name: words.reported, type: "line", smooth: true, data: d.trend.map((r) => r.reported), areaStyle: { opacity: 0.15 } },
        { name: words.closed, type: "line", smooth: true, data: d.trend.map((r) => r.closed) },
      ],
    }, true);
    pie("c-source", d.today.by_source);
    pie("c-state", d.open.by_state);
    const o = chart("c-ontime");
    o.setOption({
      title: [title(o)].concat(emptyNote(d.on_time_month)), tooltip: { formatter: (p) => p.name + "：" + p.value + "%" },
      grid: { left: 50, right: 20, top: 56, bottom: 30 },
      xAxis: { type: "category", data: d.on_time_month.map((r) => r.name), axisLabel: text },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: Object.assign({ formatter: "{value}%" }, text), splitLine: { lineStyle: { color: "#2a3d5c" } } },
      series: [{ type: "bar", data: d.on_time_month.map((r) => r.rate),
        itemStyle: { color: (p) => (p.value >= 90 ? "#43a047" : p.value >= 75 ? "#f9a825" : "#e53935") },
        label: { show: true, color: "#fff", position: "top", formatter: "{c}%" } }],
    }, true);
    bars("c-category", d.month.by_category, true);
    bars("c-street", d.month.by_street, false);
    set("screen-updated", new Date(d.at).toLocaleTimeString(LANG));
  }

  function load() {
    fetch(url, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then(draw)
      .catch(() => set("screen-updated", words.offline));
  }
  function clock() { document.getElementById("screen-clock").textContent = new Date().toLocaleString(LANG); }
  load(); clock();
  setInterval(load, refresh); setInterval(clock, 1000);
  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
})();
