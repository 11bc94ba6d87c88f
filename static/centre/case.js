// The case page: the little map, zoomable photos and keyboard shortcuts for the actions.
(function () {
  "use strict";
  const mapEl = document.getElementById("case-map");
  if (mapEl && window.L) {
    const lat = Number(mapEl.dataset.lat), lon = Number(mapEl.dataset.lon);
    const map = L.map(mapEl, { preferCanvas: true }).setView([lat, lon], 17);
    if (mapEl.dataset.tileUrl) L.tileLayer(mapEl.dataset.tileUrl, { maxZoom: 19 }).addTo(map);
    const d = 0.0015;
    fetch("/map/grids.json?bbox=" + [lon - d, lat - d, lon + d, lat + d].join(","), { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : null))
      .then((data) => {
        if (data) L.geoJSON(data, { style: { color: "#8a99ad", weight: 0.8, fillOpacity: 0.05 } }).addTo(map);
        L.circleMarker([lat, lon], { radius: 9, color: "#fff", weight: 2, fillColor: "#c62828", fillOpacity: 1 }).addTo(map);
      });
  }

  // Lightbox: click a photo to open it; wheel zooms, drag pans, click or Esc closes.
  const box = document.getElementById("lightbox");
  const img = box && box.querySelector("img");
  let scale = 1, x = 0, y = 0, drag = null;
  function apply() { img.style.transform = "translate(" + x + "px," + y + "px) scale(" + scale + ")"; }
  document.querySelectorAll("img.zoomable").forEach((p) => p.addEventListener("click", () => {
    img.src = p.src; scale = 1; x = 0; y = 0; apply(); box.hidden = false;
  }));
  if (box) {
    box.addEventListener("wheel", (e) => { e.preventDefault(); scale = Math.min(8, Math.max(1, scale * (e.deltaY < 0 ? 1.2 : 1 / 1.2))); apply(); });
    box.addEventListener("mousedown", (e) => { drag = { sx: e.clientX - x, sy: e.clientY - y, moved: false }; });
    box.addEventListener("mousemove", (e) => { if (drag) { x = e.clientX - drag.sx; y = e.clientY - drag.sy; drag.moved = true; apply(); } });
    box.addEventListener("mouseup", () => { if (drag && !drag.moved) box.hidden = true; drag = null; });
  }

  // Shortcuts: the letter on a button focuses its form (first field) or submits a form without fields.
  const help = document.getElementById("shortcut-help");
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const tag = (e.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") {
      if (e.key === "Escape") e.target.blur();
      return;
    }
    if (e.key === "Escape") { if (box) box.hidden = true; if (help) help.hidden = true; return; }
    if (e.key === "?") { if (help) help.hidden = !help.hidden; return; }
    const button = document.querySelector('button[data-shortcut="' + e.key.toLowerCase() + '"]');
    if (!button) return;
    e.preventDefault();
    const form = button.form;
    const field = form.querySelector("textarea, input:not([type=hidden]), select");
    if (field) { form.scrollIntoView({ block: "center" }); field.focus(); form.classList.add("focused"); }
    else if (window.confirm(button.textContent.trim() + "？")) form.requestSubmit(button);
  });
})();
