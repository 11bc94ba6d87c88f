// The intake form's sub-type picker: type a Chinese name, a code or pinyin initials ("jg" → 井盖);
// the matches come from the catalogue's search API (/api/catalog/categories?q=), the same search
// the phone app uses. Choosing a match fills the hidden sub-type id the form submits.
(function () {
  document.querySelectorAll(".category-search").forEach((box) => {
    const api = box.dataset.api;
    const hidden = box.querySelector("[data-role=id]");
    const input = box.querySelector("[data-role=query]");
    const list = box.querySelector(".category-options");
    const empty = box.querySelector(".category-empty");
    let items = [];
    let active = -1;
    let timer = null;
    let asked = 0;

    const label = (c) => `${c.minor_name}（${c.major_name}·${c.scheme.startsWith("GB") ? "GB" : "CJ"} ${c.minor_code}）`;
    const close = () => {
      list.hidden = true;
      empty.hidden = true;
      input.setAttribute("aria-expanded", "false");
      active = -1;
    };
    const choose = (c) => {
      hidden.value = c.id;
      input.value = label(c);
      close();
    };
    const highlight = (index) => {
      active = index;
      list.querySelectorAll("li").forEach((li, i) => li.setAttribute("aria-selected", i === index ? "true" : "false"));
      if (index >= 0) list.children[index].scrollIntoView({ block: "nearest" });
    };
    const render = () => {
      list.replaceChildren(
        ...items.map((c, i) => {
          const li = document.createElement("li");
          li.setAttribute("role", "option");
          li.id = `${input.id}_option_${i}`;
          const name = document.createElement("b");
          name.textContent = c.minor_name;
          const more = document.createElement("span");
          more.className = "muted";
          more.textContent = ` ${c.major_name} · ${c.scheme.startsWith("GB") ? "GB" : "CJ"} ${c.minor_code}`;
          li.append(name, more);
          li.addEventListener("mousedown", (e) => {
            e.preventDefault(); // keep the focus in the box
            choose(c);
          });
          return li;
        })
      );
      list.hidden = !items.length;
      empty.hidden = items.length > 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      highlight(items.length ? 0 : -1);
    };
    const search = async () => {
      const q = input.value.trim();
      if (!q) {
        items = [];
        close();
        return;
      }
      const ticket = ++asked;
      try {
        const response = await fetch(`${api}?q=${encodeURIComponent(q)}&limit=12`, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!response.ok || ticket !== asked) return;
        items = await response.json();
        if (ticket === asked) render();
      } catch (error) {
        /* offline: the box keeps what it had */
      }
    };
    input.addEventListener("input", () => {
      hidden.value = ""; // typing again un-chooses the sub-type until a match is picked
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    });
    input.addEventListener("keydown", (e) => {
      if (list.hidden) return;
      if (e.key === "ArrowDown") highlight(Math.min(items.length - 1, active + 1));
      else if (e.key === "ArrowUp") highlight(Math.max(0, active - 1));
      else if (e.key === "Enter" && active >= 0) choose(items[active]);
      else if (e.key === "Escape") close();
      else return;
      e.preventDefault();
    });
    input.addEventListener("blur", () => setTimeout(close, 100));
  });
})();
