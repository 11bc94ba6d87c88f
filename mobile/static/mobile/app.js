/* UrbanGrid supervisors' phone app. Plain JS, no build step.

   Everything the supervisor produces (reports, task answers, track batches, 上岗/下岗) goes into an
   outbox in IndexedDB first, with a client-generated id, and is sent from there: when the network
   is back, after a 5xx with backoff, after the app was closed and opened again. The server accepts
   each id once, so a retry never makes a second case. The outbox screen shows what is waiting,
   what was sent and what failed and why. */
(() => {
  "use strict";

  // Endpoints of the domain APIs the app calls (the server owns every rule).
  const API = {
    me: "/m/api/me",
    myGrids: "/m/api/my-grids",
    locate: "/m/api/locate",
    shift: "/api/patrol/shift",
    shiftStart: "/api/patrol/shift/start",
    shiftEnd: "/api/patrol/shift/end",
    tracks: "/api/patrol/tracks",
    day: "/api/patrol/day",
    categories: "/api/catalog/categories",
    frequentCategories: "/m/api/my-categories",
    report: "/api/cases/reports",
    selfHandled: "/api/cases/self-handled",
    tasks: "/api/cases/tasks",
    taskAnswer: (id) => `/api/cases/tasks/${id}/answer`,
    myReports: "/m/api/my-reports",
  };
  const CATALOGUE_SCHEME = "GB/T 47678.5-2026"; // the current national scheme
  const MAX_PHOTOS = 4;
  const PHOTO_TARGET_BYTES = 200 * 1024;
  const TRACK_FLUSH_MS = 60 * 1000;

  // UI strings go through Django's JavaScript catalogue (/m/jsi18n/), like {% translate %} in templates.
  const _ = window.gettext || ((text) => text);
  const fmt = (text, ...args) =>
    window.interpolate ? window.interpolate(_(text), args) : args.reduce((out, arg) => out.replace("%s", arg), text);
  const $ = (selector, root = document) => root.querySelector(selector);
  const esc = (text) => String(text ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const csrf = () => (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "";
  const newId = () =>
    crypto.randomUUID ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
  const kb = (bytes) => `${Math.round(bytes / 1024)} KB`;
  const LANG = document.documentElement.lang || "zh-hans";
  const clock = (ms) => new Date(ms).toLocaleTimeString(LANG, { hour: "2-digit", minute: "2-digit" });

  function toast(text, ms = 2500) {
    const box = $("#toast");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => (box.hidden = true), ms);
  }

  // ---------------------------------------------------------------- IndexedDB
  const dbReady = new Promise((resolve, reject) => {
    const open = indexedDB.open("urbangrid-mobile", 1);
    open.onupgradeneeded = () => {
      const db = open.result;
      db.createObjectStore("outbox", { keyPath: "id" }).createIndex("created", "created_at");
      db.createObjectStore("track", { keyPath: "t" });
      db.createObjectStore("kv", { keyPath: "k" });
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });

  async function store(names, mode, work) {
    const db = await dbReady;
    return new Promise((resolve, reject) => {
      const tx = db.transaction(names, mode);
      let result;
      Promise.resolve(work(tx)).then((value) => (result = value));
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }
  const req = (request) =>
    new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  const kvGet = (k) => store(["kv"], "readonly", (tx) => req(tx.objectStore("kv").get(k))).then((row) => row && row.v);
  const kvSet = (k, v) => store(["kv"], "readwrite", (tx) => tx.objectStore("kv").put({ k, v }));

  // ---------------------------------------------------------------- outbox
  const KIND_LABEL = { report: _("问题上报"), self: _("自处置"), answer: _("任务回复"), track: _("巡查轨迹"), shift: _("上岗/下岗") };
  const STATE_LABEL = { waiting: _("等待发送"), sending: _("发送中"), sent: _("已发送"), failed: _("发送失败") };

  const outbox = {
    sending: false,
    async add(kind, payload, label) {
      const item = {
        id: newId(), kind, payload, label: label || "", state: "waiting", attempts: 0,
        created_at: Date.now(), next_try_at: 0, error: "", result: null,
      };
      await store(["outbox"], "readwrite", (tx) => tx.objectStore("outbox").add(item));
      render.outboxSummary();
      outbox.flush();
      return item;
    },
    all: () => store(["outbox"], "readonly", (tx) => req(tx.objectStore("outbox").index("created").getAll())),
    put: (item) => store(["outbox"], "readwrite", (tx) => tx.objectStore("outbox").put(item)),
    remove: (id) => store(["outbox"], "readwrite", (tx) => tx.objectStore("outbox").delete(id)),

    async flush() {
      if (outbox.sending) {
        outbox.again = true;
        return;
      }
      outbox.sending = true;
      try {
        do {
          outbox.again = false;
          for (const item of await outbox.all()) {
            if (item.state !== "waiting" || item.next_try_at > Date.now()) continue;
            if (!navigator.onLine) break;
            await outbox.send(item);
          }
        } while (outbox.again);
      } finally {
        outbox.sending = false;
        outbox.schedule();
        render.outboxSummary();
        if (location.hash === "#outbox") render.outbox();
      }
    },

    async prune() {
      // Sent items are kept three days (my day, the outbox screen), then dropped from the phone.
      const old = Date.now() - 3 * 24 * 3600 * 1000;
      for (const item of await outbox.all()) if (item.state === "sent" && item.sent_at < old) await outbox.remove(item.id);
    },

    async schedule() {
      clearTimeout(outbox.timer);
      const waiting = (await outbox.all()).filter((item) => item.state === "waiting");
      if (!waiting.length) return;
      const next = Math.min(...waiting.map((item) => item.next_try_at));
      outbox.timer = setTimeout(outbox.flush, Math.max(1000, next - Date.now()));
    },

    async send(item) {
      item.state = "sending";
      await outbox.put(item);
      render.outboxSummary();
      let response;
      try {
        const { url, init } = SENDERS[item.kind](item);
        response = await fetch(url, {
          method: "POST", credentials: "same-origin", ...init,
          headers: { "X-CSRFToken": csrf(), "X-Client-Id": item.id, ...(init.headers || {}) },
        });
      } catch (error) {
        return outbox.retryLater(item, _("网络不通，联网后自动发送"));
      }
      let body = null;
      try {
        body = await response.json();
      } catch (error) {
        body = null;
      }
      if (response.ok) {
        item.state = "sent";
        item.sent_at = Date.now();
        item.result = body;
        item.error = "";
        delete item.payload.photos; // the server has them now; free the phone's storage
        delete item.payload.after;
        await outbox.put(item);
        ON_SENT[item.kind]?.(item);
        return;
      }
      const detail = (body && body.detail) || `HTTP ${response.status}`;
      if (response.status >= 500 || response.status === 408 || response.status === 429) {
        return outbox.retryLater(item, fmt("服务器暂时出错（%s），稍后自动重试", response.status));
      }
      if (response.status === 401 || response.status === 403 && /CSRF/i.test(detail)) {
        return outbox.retryLater(item, _("登录已过期，请重新登录后自动发送"), 60_000);
      }
      item.state = "failed";
      item.error = detail;
      await outbox.put(item);
    },

    async retryLater(item, why, minDelay = 0) {
      item.attempts += 1;
      // 2 s, 4 s, 8 s … at most 5 minutes, with a little jitter so phones do not retry in step.
      const delay = Math.min(300_000, 2000 * 2 ** (item.attempts - 1)) * (0.8 + Math.random() * 0.4);
      item.state = "waiting";
      item.next_try_at = Date.now() + Math.max(delay, minDelay);
      item.error = why;
      await outbox.put(item);
    },
  };

  function formWith(fields, files) {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined && value !== null && value !== "") form.append(key, value);
    }
    for (const [key, list] of Object.entries(files)) {
      (list || []).forEach((blob, i) => form.append(key, blob, `${key}-${i + 1}.jpg`));
    }
    return form;
  }

  const SENDERS = {
    report: (item) => {
      const p = item.payload;
      const fields = {
        client_id: item.id, category_id: p.category && p.category.id, lon: p.lon, lat: p.lat,
        description: p.description, address: p.address,
      };
      if (p.self_handled) {
        return { url: API.selfHandled, init: { body: formWith(fields, { before: p.photos, after: p.after }) } };
      }
      return { url: API.report, init: { body: formWith(fields, { photos: p.photos }) } };
    },
    answer: (item) => {
      const p = item.payload;
      const fields = { client_id: item.id, passed: p.passed ? "true" : "false", note: p.note };
      return { url: API.taskAnswer(p.task_id), init: { body: formWith(fields, { photos: p.photos }) } };
    },
    track: (item) => ({
      url: API.tracks,
      init: { headers: { "Content-Type": "application/json" }, body: JSON.stringify({ client_batch_id: item.id, points: item.payload.points }) },
    }),
    shift: (item) => ({
      url: item.payload.action === "start" ? API.shiftStart : API.shiftEnd,
      init: { headers: { "Content-Type": "application/json" }, body: JSON.stringify({ client_id: item.id, at: new Date(item.created_at).toISOString() }) },
    }),
  };
  const ON_SENT = {
    answer: (item) => tasks.refresh(),
  };

  // ---------------------------------------------------------------- photos
  async function decode(file) {
    try {
      return await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch (error) {
      const url = URL.createObjectURL(file);
      try {
        const img = new Image();
        img.src = url;
        await img.decode();
        return img;
      } finally {
        URL.revokeObjectURL(url);
      }
    }
  }

  /* Resize (long side 1600 px, then lower quality, then smaller) and re-encode as JPEG until ≤ 200 KB.
     Re-encoding also drops the camera's EXIF (position, device) from the upload. */
  async function compressPhoto(file) {
    const image = await decode(file);
    const width = image.width, height = image.height;
    let longSide = 1600, quality = 0.72, blob = null;
    const canvas = document.createElement("canvas");
    for (let attempt = 0; attempt < 8; attempt++) {
      const scale = Math.min(1, longSide / Math.max(width, height));
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      const ctx = canvas.getContext("2d");
      ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
      blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
      if (blob.size <= PHOTO_TARGET_BYTES) break;
      if (quality > 0.55) quality -= 0.08;
      else longSide = Math.round(longSide * 0.8);
    }
    if (image.close) image.close();
    return blob;
  }

  function photoPicker(block, max = MAX_PHOTOS) {
    const list = [];
    const input = $("input[type=file]", block);
    const holder = $(".photos", block);
    const draw = () => {
      holder.innerHTML = "";
      list.forEach((blob, i) => {
        const cell = document.createElement("div");
        cell.className = "photo";
        cell.innerHTML = `<img alt=""><small>${kb(blob.size)}</small><button type="button" aria-label="${_("删除")}">×</button>`;
        const url = URL.createObjectURL(blob);
        $("img", cell).src = url;
        $("button", cell).onclick = () => {
          URL.revokeObjectURL(url);
          list.splice(i, 1);
          draw();
        };
        holder.appendChild(cell);
      });
      $(".camera", block).hidden = list.length >= max;
    };
    input.addEventListener("change", async () => {
      const files = [...input.files].slice(0, max - list.length);
      input.value = "";
      block.dataset.busy = "1";
      for (const file of files) {
        try {
          list.push(await compressPhoto(file));
        } catch (error) {
          toast(_("这张照片无法读取，请换一张"));
        }
      }
      delete block.dataset.busy;
      draw();
    });
    return { list, clear: () => { list.length = 0; draw(); } };
  }

  // ---------------------------------------------------------------- position and map
  const position = {
    last: null, // {lon, lat, acc, t}
    watch: null,
    start() {
      if (position.watch !== null || !navigator.geolocation) return;
      position.watch = navigator.geolocation.watchPosition(
        (p) => {
          position.last = { lon: p.coords.longitude, lat: p.coords.latitude, acc: p.coords.accuracy, t: p.timestamp };
          document.dispatchEvent(new CustomEvent("ug:position"));
        },
        () => {},
        { enableHighAccuracy: true, maximumAge: 10_000, timeout: 30_000 }
      );
    },
    once() {
      return new Promise((resolve) => {
        if (!navigator.geolocation) return resolve(position.last);
        navigator.geolocation.getCurrentPosition(
          (p) => {
            position.last = { lon: p.coords.longitude, lat: p.coords.latitude, acc: p.coords.accuracy, t: p.timestamp };
            resolve(position.last);
          },
          () => resolve(position.last),
          { enableHighAccuracy: true, maximumAge: 30_000, timeout: 15_000 }
        );
      });
    },
  };

  async function getJSON(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.status === 401) {
      if (navigator.onLine) location.href = `/accounts/login/?next=/m/`;
      throw new Error("login");
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  }

  let myGridsLayer = null;
  async function ownGrids() {
    let data = await kvGet("my-grids");
    try {
      data = await getJSON(API.myGrids);
      kvSet("my-grids", data);
    } catch (error) {
      /* offline: the copy from last time */
    }
    return data;
  }

  function makeMap(element) {
    const map = L.map(element, { zoomControl: true, attributionControl: false });
    if (window.UG.tileUrl) L.tileLayer(window.UG.tileUrl, { maxZoom: 19 }).addTo(map);
    ownGrids().then((data) => {
      if (!data || !data.features.length) return;
      myGridsLayer = L.geoJSON(data, { style: { color: "#0b3d91", weight: 1.5, fillOpacity: 0.06 } }).addTo(map);
      if (!reportForm.marker) map.fitBounds(myGridsLayer.getBounds());
    });
    return map;
  }

  // ---------------------------------------------------------------- categories
  const categories = {
    all: null,
    async load() {
      // The whole current catalogue (~400 sub-types) is kept on the phone, so search works offline
      // and costs no data; it is refreshed at most once a day.
      if (categories.all) return categories.all;
      const cached = await kvGet("categories");
      categories.all = (cached && cached.items) || [];
      if (!categories.all.length || Date.now() - cached.at > 24 * 3600 * 1000) {
        try {
          const items = await getJSON(`${API.categories}?scheme=${encodeURIComponent(CATALOGUE_SCHEME)}&limit=500`);
          categories.all = items.map((c) => ({ id: c.id, minor_code: c.minor_code, minor_name: c.minor_name, major_name: c.major_name, pinyin_initials: c.pinyin_initials, kind: c.kind }));
          if (categories.all.length) kvSet("categories", { at: Date.now(), items: categories.all });
        } catch (error) {
          /* offline: the cached catalogue */
        }
      }
      return categories.all;
    },
    name: (c) => c.minor_name || c.name,
    search(q) {
      q = q.trim().toLowerCase();
      if (!q) return [];
      return categories.all
        .filter((c) => categories.name(c).includes(q) || (c.pinyin_initials || "").toLowerCase().includes(q) || (c.minor_code || "").startsWith(q))
        .slice(0, 12);
    },
    async favourites() {
      // The server knows the supervisor's past reports (frequent first); the phone adds its own recent picks.
      let frequent = (await kvGet("frequent-categories")) || [];
      try {
        frequent = await getJSON(API.frequentCategories);
        kvSet("frequent-categories", frequent);
      } catch (error) {
        /* offline or not available */
      }
      const recent = (await kvGet("recent-categories")) || [];
      const seen = new Set();
      return [...recent, ...frequent].filter((c) => c && !seen.has(c.id) && seen.add(c.id)).slice(0, 8);
    },
    async remember(category) {
      const recent = ((await kvGet("recent-categories")) || []).filter((c) => c.id !== category.id);
      recent.unshift(category);
      await kvSet("recent-categories", recent.slice(0, 6));
    },
  };

  // ---------------------------------------------------------------- report / self-handled
  const reportForm = {
    map: null, marker: null, category: null, selfHandled: false, where: null, pickers: null,
    async open(selfHandled) {
      reportForm.selfHandled = selfHandled;
      $("#title").textContent = selfHandled ? _("自处置上报") : _("上报问题");
      $("#photos-label").textContent = selfHandled ? _("处置前照片（1–4 张）") : _("照片（1–4 张）");
      $('[data-group="after"]').hidden = !selfHandled;
      $("#report-submit").textContent = selfHandled ? _("提交并结案") : _("提交上报");
      if (!reportForm.pickers) {
        reportForm.pickers = {
          photos: photoPicker($('[data-group="photos"]')),
          after: photoPicker($('[data-group="after"]')),
        };
      }
      if (!reportForm.map) reportForm.map = makeMap($("#report-map"));
      setTimeout(() => reportForm.map.invalidateSize(), 50);
      categories.load().then(() => reportForm.showChoices(""));
      const fix = await position.once();
      if (fix && !reportForm.marker) reportForm.place(fix.lon, fix.lat);
      else if (!fix && !reportForm.marker) {
        $("#report-where").textContent = _("无法获取定位，请在地图上点选位置");
        reportForm.map.setView([24.88, 102.85], 15);
      }
    },
    place(lon, lat) {
      if (!reportForm.marker) {
        reportForm.marker = L.marker([lat, lon], { draggable: true, autoPan: true }).addTo(reportForm.map);
        reportForm.marker.on("dragend", () => {
          const p = reportForm.marker.getLatLng();
          reportForm.resolve(p.lng, p.lat);
        });
        reportForm.map.on("click", (e) => {
          reportForm.marker.setLatLng(e.latlng);
          reportForm.resolve(e.latlng.lng, e.latlng.lat);
        });
      } else {
        reportForm.marker.setLatLng([lat, lon]);
      }
      reportForm.map.setView([lat, lon], 17);
      reportForm.resolve(lon, lat);
    },
    async resolve(lon, lat) {
      const where = $("#report-where");
      const point = (reportForm.where = { lon: +lon.toFixed(7), lat: +lat.toFixed(7), address: "" });
      where.classList.remove("bad");
      try {
        const hit = await getJSON(`${API.locate}?lon=${lon}&lat=${lat}`);
        if (!hit.inside) {
          where.textContent = hit.detail;
          where.classList.add("bad");
        } else {
          point.address = hit.address;
          where.textContent = `${hit.address}${hit.own ? "" : _("（不在本人责任网格）")}`;
        }
      } catch (error) {
        where.textContent = fmt("%s, %s（离线，发送后确定网格）", lat.toFixed(6), lon.toFixed(6));
      }
    },
    async showChoices(q) {
      const list = $("#category-list");
      const turn = (reportForm.choicesTurn = (reportForm.choicesTurn || 0) + 1);
      const found = q ? categories.search(q) : await categories.favourites();
      if (turn !== reportForm.choicesTurn) return; // the supervisor typed meanwhile: newer results win
      list.innerHTML = found
        .map((c, i) => `<button type="button" class="chip${q ? "" : " recent"}" data-i="${i}">${esc(categories.name(c))}</button>`)
        .join("");
      list.querySelectorAll(".chip").forEach((chip) => {
        chip.onclick = () => reportForm.choose(found[+chip.dataset.i]);
      });
    },
    choose(category) {
      reportForm.category = { id: category.id, minor_name: categories.name(category), minor_code: category.minor_code, pinyin_initials: category.pinyin_initials };
      const chosen = $("#category-chosen");
      chosen.hidden = false;
      chosen.textContent = `✓ ${categories.name(category)}`;
      $("#category-q").value = "";
      $("#category-list").innerHTML = "";
    },
    async submit(event) {
      event.preventDefault();
      const error = $("#report-error");
      const photos = reportForm.pickers.photos.list, after = reportForm.pickers.after.list;
      if (document.querySelector(".photos-block[data-busy]")) return (error.textContent = _("照片还在处理中，请稍候"));
      if (!photos.length) return (error.textContent = reportForm.selfHandled ? _("请拍处置前照片") : _("请至少拍一张照片"));
      if (reportForm.selfHandled && !after.length) return (error.textContent = _("请拍处置后照片"));
      if (!reportForm.where) return (error.textContent = _("请在地图上选择位置"));
      if (!reportForm.category) return (error.textContent = _("请选择问题类别"));
      error.textContent = "";
      const payload = {
        ...reportForm.where, category: reportForm.category, description: $("#description").value.trim(),
        self_handled: reportForm.selfHandled, photos: [...photos], after: reportForm.selfHandled ? [...after] : [],
      };
      await outbox.add("report", payload, reportForm.selfHandled ? fmt("自处置：%s", reportForm.category.minor_name) : fmt("上报：%s", reportForm.category.minor_name));
      categories.remember(reportForm.category);
      reportForm.reset();
      toast(navigator.onLine ? _("已保存，正在发送") : _("已保存在手机上，联网后自动发送"));
      location.hash = "#home";
    },
    reset() {
      reportForm.pickers.photos.clear();
      reportForm.pickers.after.clear();
      reportForm.category = null;
      $("#category-chosen").hidden = true;
      $("#description").value = "";
      if (reportForm.marker) {
        reportForm.marker.remove();
        reportForm.marker = null;
        reportForm.where = null;
      }
    },
  };

  // ---------------------------------------------------------------- tasks (核实 / 核查)
  const TASK_KIND = { verify: _("核实"), check: _("核查") };
  const TASK_CHOICES = {
    verify: [[true, _("属实")], [false, _("不属实")]],
    check: [[true, _("已处置")], [false, _("未处置")]],
  };
  const tasks = {
    list: [],
    current: null,
    picker: null,
    choice: null,
    async refresh() {
      try {
        const data = await getJSON(API.tasks);
        tasks.list = Array.isArray(data) ? data : data.items || [];
      } catch (error) {
        return;
      }
      const answered = new Set(
        (await outbox.all()).filter((item) => item.kind === "answer" && item.state !== "failed").map((item) => String(item.payload.task_id))
      );
      tasks.list = tasks.list.filter((task) => !answered.has(String(task.id)));
      const count = $("#task-count");
      count.hidden = !tasks.list.length;
      count.textContent = tasks.list.length;
      if (location.hash === "#tasks") tasks.render();
    },
    countdown(due) {
      if (!due) return `<span class="due">${_("无时限")}</span>`;
      const left = new Date(due).getTime() - Date.now();
      const minutes = Math.floor(Math.abs(left) / 60000);
      const text = minutes >= 60 ? fmt("%s 小时 %s 分", Math.floor(minutes / 60), minutes % 60) : fmt("%s 分钟", minutes);
      if (left < 0) return `<span class="due late">${fmt("已超时 %s", text)}</span>`;
      return `<span class="due${left < 30 * 60000 ? " soon" : ""}">${fmt("剩余 %s", text)}</span>`;
    },
    navLink: (t) =>
      `https://uri.amap.com/marker?position=${t.lon},${t.lat}&coordinate=wgs84&callnative=1&name=${encodeURIComponent(t.address || _("任务地点"))}`,
    render() {
      const ul = $("#task-list");
      ul.innerHTML = tasks.list
        .map(
          (t) => `<li><a class="row" href="#task/${t.id}"><b>${TASK_KIND[t.kind] || t.kind}</b> · ${esc(t.category || "")}
          <div class="meta">${esc(t.case_number || "")} ${esc(t.address || "")}</div>
          <div data-due="${esc(t.due_at)}">${tasks.countdown(t.due_at)}</div></a></li>`
        )
        .join("");
      $("#task-empty").hidden = tasks.list.length > 0;
    },
    open(id) {
      const task = tasks.list.find((t) => String(t.id) === String(id));
      if (!task) return (location.hash = "#tasks");
      tasks.current = task;
      tasks.choice = null;
      $("#title").textContent = fmt("%s任务", TASK_KIND[task.kind] || "");
      $("#task-detail").innerHTML = `<b>${esc(task.category || "")}</b> · ${esc(task.case_number || "")}
        <div class="meta">${esc(task.address || "")}</div><div class="meta">${esc(task.description || "")}</div>
        <div data-due="${esc(task.due_at)}">${tasks.countdown(task.due_at)}</div>
        <a class="nav-link" href="${tasks.navLink(task)}" target="_blank" rel="noopener">${_("导航到现场")} ›</a>`;
      $("#task-question").textContent = task.kind === "check" ? _("现场问题是否已处置好？") : _("问题是否属实？");
      const choices = $("#task-choices");
      choices.innerHTML = (TASK_CHOICES[task.kind] || TASK_CHOICES.check)
        .map(([value, label]) => `<button type="button" class="choice" data-v="${value}">${label}</button>`)
        .join("");
      choices.querySelectorAll(".choice").forEach((button) => {
        button.onclick = () => {
          tasks.choice = button.dataset.v; // "true" / "false"
          choices.querySelectorAll(".choice").forEach((b) => b.classList.toggle("on", b === button));
        };
      });
      if (!tasks.picker) tasks.picker = photoPicker($('[data-group="task"]'));
      tasks.picker.clear();
      $("#task-note").value = "";
      $("#task-error").textContent = "";
    },
    async submit(event) {
      event.preventDefault();
      const error = $("#task-error");
      if (!tasks.choice) return (error.textContent = _("请选择结果"));
      if (!tasks.picker.list.length) return (error.textContent = _("请至少拍一张现场照片"));
      const task = tasks.current;
      await outbox.add(
        "answer",
        { task_id: task.id, passed: tasks.choice === "true", note: $("#task-note").value.trim(), photos: [...tasks.picker.list] },
        fmt("%s回复：%s", TASK_KIND[task.kind] || "", task.case_number || task.id)
      );
      tasks.list = tasks.list.filter((t) => t !== task);
      toast(navigator.onLine ? _("已保存，正在发送") : _("已保存在手机上，联网后自动发送"));
      location.hash = "#tasks";
    },
  };

  // ---------------------------------------------------------------- shift and track
  const duty = {
    on: false,
    interval: 15,
    timer: null,
    flushTimer: null,
    lastT: 0,
    async load() {
      const saved = await kvGet("duty");
      let on = !!(saved && saved.on);
      try {
        const state = await getJSON(API.shift);
        duty.interval = state.track_interval_seconds;
        // The server is right unless a queued 上岗/下岗 has not reached it yet.
        const queued = (await outbox.all()).some((item) => item.kind === "shift" && item.state !== "sent");
        if (!queued) on = state.on_duty;
      } catch (error) {
        /* offline: as the phone last knew */
      }
      if (duty.tapped) return; // the supervisor tapped while this was loading: the tap wins
      duty.on = on;
      duty.apply();
    },
    async toggle() {
      duty.tapped = true;
      duty.on = !duty.on;
      await kvSet("duty", { on: duty.on });
      if (!duty.on) await duty.flush();
      await outbox.add("shift", { action: duty.on ? "start" : "end" }, duty.on ? _("上岗") : _("下岗"));
      duty.apply();
      toast(duty.on ? _("已上岗，开始记录轨迹") : _("已下岗"));
    },
    apply() {
      const button = $("#duty");
      button.textContent = duty.on ? _("下岗") : _("上岗");
      button.classList.toggle("on", duty.on);
      $("#duty-note").textContent = duty.on ? fmt("在岗中 · 每 %s 秒记录一次位置", duty.interval) : _("未上岗");
      clearInterval(duty.timer);
      clearInterval(duty.flushTimer);
      if (duty.on) {
        position.start();
        duty.timer = setInterval(duty.record, duty.interval * 1000);
        duty.flushTimer = setInterval(duty.flush, TRACK_FLUSH_MS);
      }
    },
    async record() {
      const fix = position.last;
      if (!fix || fix.t === duty.lastT) return;
      duty.lastT = fix.t;
      await store(["track"], "readwrite", (tx) =>
        tx.objectStore("track").put({ t: fix.t, lon: +fix.lon.toFixed(7), lat: +fix.lat.toFixed(7), acc: Math.round(fix.acc) })
      );
    },
    async flush() {
      // Move the recorded points into outbox batches (≤ 500 points) in one transaction: never lost, never twice.
      const made = await store(["track", "outbox"], "readwrite", async (tx) => {
        const points = await req(tx.objectStore("track").getAll());
        for (let i = 0; i < points.length; i += 500) {
          tx.objectStore("outbox").add({
            id: newId(), kind: "track", payload: { points: points.slice(i, i + 500) }, label: fmt("巡查轨迹 %s 点", Math.min(500, points.length - i)),
            state: "waiting", attempts: 0, created_at: Date.now(), next_try_at: 0, error: "", result: null,
          });
        }
        tx.objectStore("track").clear();
        return points.length;
      });
      if (made) outbox.flush();
    },
  };

  // ---------------------------------------------------------------- screens
  const render = {
    async outboxSummary() {
      const items = await outbox.all();
      const waiting = items.filter((i) => i.state === "waiting" || i.state === "sending").length;
      const failed = items.filter((i) => i.state === "failed").length;
      window.UGApp.counts = { total: items.length, waiting, failed, sent: items.length - waiting - failed };
      const parts = [];
      if (waiting) parts.push(fmt("%s 条等待发送", waiting));
      if (failed) parts.push(fmt("%s 条失败", failed));
      $("#outbox-summary").textContent = parts.length ? `· ${parts.join("，")}` : _("· 全部已发送");
    },
    async outbox() {
      const items = (await outbox.all()).filter((item) => item.kind !== "track" || item.state !== "sent").reverse();
      $("#outbox-list").innerHTML = items
        .map(
          (item) => `<li data-id="${item.id}"><b>${esc(item.label || KIND_LABEL[item.kind])}</b>
          <span class="state ${item.state}">${STATE_LABEL[item.state]}</span>
          <div class="meta">${clock(item.created_at)}${item.sent_at ? fmt(" · 发送于 %s", clock(item.sent_at)) : ""}${
            item.result && item.result.number ? fmt(" · 案卷号 %s", esc(item.result.number)) : ""
          }${item.attempts ? fmt(" · 已重试 %s 次", item.attempts) : ""}</div>
          ${item.error ? `<div class="meta error">${esc(item.error)}</div>` : ""}
          ${item.state === "failed" ? `<button type="button" class="btn retry">${_("重新发送")}</button> <button type="button" class="btn drop">${_("删除")}</button>` : ""}</li>`
        )
        .join("");
      $("#outbox-empty").hidden = items.length > 0;
      $("#outbox-list").querySelectorAll("li").forEach((li) => {
        const item = items.find((i) => i.id === li.dataset.id);
        const retry = $(".retry", li), drop = $(".drop", li);
        if (retry) retry.onclick = async () => { item.state = "waiting"; item.next_try_at = 0; item.error = ""; await outbox.put(item); outbox.flush(); render.outbox(); };
        if (drop) drop.onclick = async () => { if (confirm(_("删除后无法恢复，确定？"))) { await outbox.remove(item.id); render.outbox(); } };
      });
    },
    async day() {
      const box = $("#day-figures");
      let figures = null;
      try {
        figures = await getJSON(API.day);
      } catch (error) {
        /* offline */
      }
      const items = await outbox.all();
      const today = new Date().toDateString();
      const mine = items.filter((i) => i.kind === "report" && new Date(i.created_at).toDateString() === today);
      const answers = items.filter((i) => i.kind === "answer" && new Date(i.created_at).toDateString() === today);
      let serverReports = null;
      try {
        serverReports = await getJSON(API.myReports);
        serverReports = Array.isArray(serverReports) ? serverReports : serverReports.items;
      } catch (error) {
        /* not available offline */
      }
      const figure = (value, label) => `<div class="figure"><b>${value}</b>${label}</div>`;
      box.innerHTML = [
        figure(figures ? figures.km.toFixed(1) : "—", _("巡查里程（公里）")),
        figure(figures ? `${figures.own_grids_covered}/${figures.own_grids_total}` : "—", _("走过的本人网格")),
        figure(serverReports ? serverReports.length : mine.length, _("今日上报")),
        figure(answers.length, _("完成核实核查")),
        figure(figures ? `${Math.floor(figures.on_duty_minutes / 60)}:${String(figures.on_duty_minutes % 60).padStart(2, "0")}` : "—", _("在岗时长")),
        figure(figures ? figures.grids_covered : "—", _("走过的网格")),
      ].join("");
      const rows = serverReports
        ? serverReports.map((r) => `<li><b>${esc(r.category_name || "")}</b> <span class="state">${esc(r.state_display || r.state)}</span><div class="meta">${esc(r.number)} · ${esc(r.address || "")}</div></li>`)
        : mine.map((i) => `<li><b>${esc(i.label)}</b> <span class="state ${i.state}">${STATE_LABEL[i.state]}</span><div class="meta">${clock(i.created_at)}${i.result && i.result.number ? ` · ${esc(i.result.number)}` : ""}</div></li>`);
      $("#day-reports").innerHTML = rows.join("") || `<li class="meta">${_("今天还没有上报")}</li>`;
    },
  };

  const TITLES = { home: _("网格巡查"), tasks: _("核实核查任务"), day: _("我的一天"), outbox: _("发送队列") };
  function route() {
    const hash = location.hash.replace(/^#/, "") || "home";
    const [name, arg] = hash.split("/");
    const screen = name === "self" ? "report" : name;
    document.querySelectorAll(".screen").forEach((s) => (s.hidden = s.id !== `screen-${screen}`));
    if (!$(`#screen-${screen}`)) return (location.hash = "#home");
    $("#back").hidden = screen === "home";
    if (TITLES[screen]) $("#title").textContent = TITLES[screen];
    if (name === "report" || name === "self") reportForm.open(name === "self");
    if (name === "tasks") tasks.refresh().then(tasks.render);
    if (name === "task") tasks.open(arg);
    if (name === "day") render.day();
    if (name === "outbox") render.outbox();
    window.scrollTo(0, 0);
  }

  function showNetwork() {
    const net = $("#net");
    net.textContent = navigator.onLine ? _("在线") : _("离线");
    net.classList.toggle("offline", !navigator.onLine);
  }

  // The language switch: set the cookie through Django's set_language, then drop the cached shell
  // (it is in the old language) and reload; the new sw.js caches the shell in the new language.
  async function switchLanguage(event) {
    event.preventDefault();
    const language = event.submitter && event.submitter.value;
    if (!language || language === LANG) return;
    if (!navigator.onLine) return toast(_("联网后才能切换语言"));
    const form = new FormData(event.target);
    form.set("language", language);
    try {
      const response = await fetch(event.target.action, { method: "POST", body: form, credentials: "same-origin", headers: { "X-CSRFToken": csrf() } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    } catch (error) {
      return toast(_("切换语言失败，请稍后再试"));
    }
    if (window.caches) for (const key of await caches.keys()) if (key.startsWith("shell-")) await caches.delete(key);
    if ("serviceWorker" in navigator) {
      // A worker URL in the new language installs a new worker that caches the new shell; wait
      // (at most 10 s) until it is active, so the app opens offline in the new language at once.
      const registration = await navigator.serviceWorker.register(`/m/sw.js?lang=${language}`, { scope: "/m/" }).catch(() => null);
      const worker = registration && (registration.installing || registration.waiting);
      if (worker) {
        await new Promise((resolve) => {
          worker.addEventListener("statechange", () => ["activated", "redundant"].includes(worker.state) && resolve());
          setTimeout(resolve, 10_000);
        });
      }
    }
    location.reload();
  }

  async function start() {
    $("#lang-switch").addEventListener("submit", switchLanguage);
    showNetwork();
    window.addEventListener("online", () => { showNetwork(); outbox.flush(); });
    window.addEventListener("offline", showNetwork);
    window.addEventListener("hashchange", route);
    $("#back").onclick = () => (location.hash = location.hash.startsWith("#task/") ? "#tasks" : "#home");
    $("#duty").onclick = duty.toggle;
    $("#report-form").addEventListener("submit", reportForm.submit);
    $("#task-form").addEventListener("submit", tasks.submit);
    $("#send-now").onclick = async () => {
      for (const item of await outbox.all()) if (item.state === "waiting") { item.next_try_at = 0; await outbox.put(item); }
      outbox.flush();
    };
    let typing;
    $("#category-q").addEventListener("input", (e) => {
      clearTimeout(typing);
      typing = setTimeout(() => reportForm.showChoices(e.target.value), 120);
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden" && duty.on) duty.flush();
      if (document.visibilityState === "visible") outbox.flush();
    });
    setInterval(() => document.querySelectorAll("[data-due]").forEach((el) => (el.innerHTML = tasks.countdown(el.dataset.due))), 1000);
    setInterval(tasks.refresh, window.UG.taskPollMs || 30_000); // new tasks appear without a reload

    try {
      const me = await getJSON(API.me);
      kvSet("me", me);
      render.me(me);
    } catch (error) {
      const me = await kvGet("me");
      if (me) render.me(me);
    }
    route();
    // Fetched while online so that reporting works offline later (both are kept in IndexedDB).
    categories.load();
    ownGrids();
    outbox.prune();
    duty.load();
    tasks.refresh();
    render.outboxSummary();
    outbox.flush();
    if ("serviceWorker" in navigator) navigator.serviceWorker.register(`/m/sw.js?lang=${LANG}`, { scope: "/m/" });
  }
  render.me = (me) => {
    // Translators: the separator between items of a list, as in "RG01、RG02".
    const grids = me.responsibility_grids.map((g) => g.code).join(_("、"));
    $("#who").textContent = `${me.name} · ${me.role_display}${grids ? fmt(" · 责任网格 %s", grids) : ""}`;
    duty.interval = me.track_interval_seconds || duty.interval;
  };

  window.UGApp = { outbox, compressPhoto, duty, tasks, categories };
  start();
})();
