// The live map: district layer at low zoom, unit grids by viewport at street zoom, open cases,
// supervisors on duty, patrol coverage and one supervisor's track replay. No base map unless
// a tile URL is configured (works offline).
(function () {
  "use strict";
  const el = document.getElementById("map");
  const d = el.dataset;
  const STREET_ZOOM = 16;
  const map = L.map(el, { preferCanvas: true, zoomSnap: 1 });
  window.urbangridMap = map;
  if (d.tileUrl) L.tileLayer(d.tileUrl, { maxZoom: 19 }).addTo(map);
  const bounds = d.bounds ? JSON.parse(d.bounds) : [[24.8, 102.8], [24.95, 102.95]];
  map.fitBounds(bounds);
  const status = document.getElementById("map-status");
  const $ = (id) => document.getElementById(id);
  // UI strings go through Django's JavaScript catalogue (/jsi18n/, loaded by base.html).
  const _ = (text) => (window.gettext ? window.gettext(text) : text);
  const fmt = (text, ...args) => (window.interpolate ? window.interpolate(_(text), args) : args.reduce((out, arg) => out.replace("%s", arg), text));
  const LANG = document.documentElement.lang || "zh-hans";

  let districtData = null, districtLayer = null, gridLayer = null, coverage = null, gridTicket = 0;
  const caseLayer = L.layerGroup().addTo(map);
  const supervisorLayer = L.layerGroup().addTo(map);
  const trackLayer = L.layerGroup().addTo(map);

  function bboxParam() {
    const b = map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(",");
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then((r) => (r.ok ? r.json() : Promise.reject(r.status)));
  }
  function rgPercent(code) {
    return coverage && coverage.grids[code] ? coverage.grids[code].percent : null;
  }

  function drawDistrict() {
    if (districtLayer) { map.removeLayer(districtLayer); districtLayer = null; }
    if (!districtData || !$("layer-grids").checked || map.getZoom() >= STREET_ZOOM) return;
    const showCoverage = $("layer-coverage").checked && coverage;
    districtLayer = L.geoJSON(districtData, {
      style: (f) => {
        const p = f.properties;
        if (p.k === "street") return { color: "#0f3d73", weight: 3, fill: false };
        if (p.k === "community") return { color: "#8a99ad", weight: 0.7, fill: false, dashArray: "3 3" };
        const pct = rgPercent(p.c);
        const fill = showCoverage && pct !== null;
        return { color: "#1560bd", weight: 1.5, fill: fill, fillColor: "#f9a825", fillOpacity: fill ? (100 - pct) / 160 : 0 };
      },
      onEachFeature: (f, layer) => {
        const p = f.properties;
        let label = p.n + (p.k === "rg" ? fmt("（%s，%s 个单元网格）", p.c, p.g) : "");
        const pct = rgPercent(p.c);
        if (p.k === "rg" && pct !== null) label += fmt("，今日巡查覆盖 %s", pct + "%");
        layer.bindTooltip(label, { sticky: true });
      },
    }).addTo(map);
    districtLayer.bringToBack();
  }

  function loadGrids() {
    if (gridLayer) { map.removeLayer(gridLayer); gridLayer = null; }
    if (!$("layer-grids").checked || map.getZoom() < STREET_ZOOM) { gridTicket++; drawDistrict(); return; }
    drawDistrict();
    const withCoverage = $("layer-coverage").checked;
    const ticket = ++gridTicket;  // a slower, older answer must not replace a newer one
    const url = d.gridsUrl + "?bbox=" + bboxParam() + (withCoverage ? "&coverage=" + $("track-day").value : "");
    getJSON(url).then((data) => {
      if (ticket !== gridTicket) return;
      if (gridLayer) map.removeLayer(gridLayer);
      const gap = (f) => withCoverage && f.properties.w === 0;
      gridLayer = L.geoJSON(data, {
        style: (f) => ({
          color: "#5f6b7a", weight: 0.6,
          fill: true, fillColor: gap(f) ? "#f9a825" : (f.properties.a === "A" ? "#e3f0ff" : "#ffffff"),
          fillOpacity: gap(f) ? 0.55 : 0.25,
        }),
        onEachFeature: (f, layer) => layer.bindTooltip(f.properties.c + " · " + (f.properties.r || "") + " · " + fmt("%s类", f.properties.a) + (gap(f) ? " · " + _("今日未巡查") : ""), { sticky: true }),
      }).addTo(map);
      gridLayer.bringToBack();
      status.textContent = fmt("%s 个单元网格", data.features.length);
    }).catch((s) => { status.textContent = s === 413 ? _("范围内网格过多，请放大") : _("网格加载失败"); });
  }

  function loadCases() {
    caseLayer.clearLayers();
    if (!$("layer-cases").checked) return;
    getJSON(d.casesUrl + "?bbox=" + bboxParam()).then((data) => {
      data.cases.forEach((c) => {
        const color = c.overdue ? "#c62828" : c.due_soon ? "#e69500" : "#1560bd";
        L.circleMarker([c.lat, c.lon], { radius: c.urgent ? 7 : 5, color: "#fff", weight: 1, fillColor: color, fillOpacity: 0.9 })
          .bindPopup('<a href="' + c.url + '">' + c.number + "</a><br>" + c.category + "<br>" + c.state_label + (c.overdue ? _("（已超期）") : ""))
          .addTo(caseLayer);
      });
      if (data.truncated) status.textContent = fmt("仅显示 %s 件，放大查看更多", data.cases.length);
    });
  }

  function loadSupervisors() {
    supervisorLayer.clearLayers();
    const list = $("supervisor-list");
    if (!$("layer-supervisors").checked) { list.innerHTML = ""; return; }
    getJSON(d.supervisorsUrl).then((data) => {
      list.innerHTML = "";
      data.supervisors.forEach((s) => {
        const li = document.createElement("li");
        const when = s.last_at ? new Date(s.last_at).toLocaleTimeString(LANG, { hour: "2-digit", minute: "2-digit" }) : _("无定位");
        li.textContent = s.name + " · " + s.grids.join(",") + " · " + when;
        if (s.minutes_since_fix !== null && s.minutes_since_fix > 10) li.className = "stale";
        list.appendChild(li);
        if (s.lat === null) return;
        L.circleMarker([s.lat, s.lon], { radius: 7, color: "#fff", weight: 2, fillColor: "#7b1fa2", fillOpacity: 1 })
          .bindTooltip(s.name + " " + when).addTo(supervisorLayer);
      });
      if (!data.supervisors.length) list.innerHTML = "<li class='muted'>" + _("当前无监督员在岗") + "</li>";
    });
  }

  function loadCoverage() {
    if (!$("layer-coverage").checked) { coverage = null; loadGrids(); return; }
    getJSON(d.coverageUrl + "?day=" + $("track-day").value).then((data) => { coverage = data; loadGrids(); });
  }

  // Track replay: the whole track, reports along it, and a marker that the slider moves in time.
  let track = null, cursor = null;
  function loadTrack() {
    const id = $("track-supervisor").value;
    trackLayer.clearLayers(); track = null;
    if (!id) return;
    getJSON(d.trackUrl.replace("/0/", "/" + id + "/") + "?day=" + $("track-day").value).then((data) => {
      track = data;
      const good = data.points.filter((p) => p[3]);
      const info = $("track-info"), slider = $("track-slider");
      if (!good.length) { info.textContent = _("该日无轨迹"); slider.disabled = true; return; }
      const line = L.polyline(good.map((p) => [p[1], p[0]]), { color: "#7b1fa2", weight: 3 }).addTo(trackLayer);
      data.reports.forEach((r) => {
        L.marker([r.lat, r.lon]).bindPopup(r.number + "<br>" + new Date(r.at).toLocaleTimeString(LANG)).addTo(trackLayer);
      });
      cursor = L.circleMarker([good[0][1], good[0][0]], { radius: 8, color: "#fff", weight: 2, fillColor: "#c62828", fillOpacity: 1 }).addTo(trackLayer);
      slider.max = good.length - 1; slider.value = 0; slider.disabled = false;
      track.good = good;
      map.fitBounds(line.getBounds(), { maxZoom: 17 });
      info.textContent = fmt("%s 个轨迹点，%s 件上报", good.length, data.reports.length);
      moveCursor();
    });
  }
  function moveCursor() {
    if (!track || !track.good) return;
    const p = track.good[Number($("track-slider").value)];
    cursor.setLatLng([p[1], p[0]]);
    $("track-info").textContent = new Date(p[2] * 1000).toLocaleTimeString(LANG) + " · " + fmt("%s 点 · %s 件上报", track.good.length, track.reports.length);
  }

  getJSON(d.districtUrl).then((data) => { districtData = data; drawDistrict(); });
  let timer = null;
  map.on("moveend", () => { clearTimeout(timer); timer = setTimeout(() => { loadGrids(); loadCases(); }, 150); });
  $("layer-grids").addEventListener("change", loadGrids);
  $("layer-cases").addEventListener("change", loadCases);
  $("layer-supervisors").addEventListener("change", loadSupervisors);
  $("layer-coverage").addEventListener("change", loadCoverage);
  $("track-load").addEventListener("click", loadTrack);
  $("track-slider").addEventListener("input", moveCursor);
  loadGrids(); loadCases(); loadSupervisors();
  setInterval(loadSupervisors, 30000);
  setInterval(loadCases, 60000);
})();
