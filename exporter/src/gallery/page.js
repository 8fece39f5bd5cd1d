// The gallery's behaviour: filters, sorting, one player at a time with a play head on the
// thumbnail, and, once everything has loaded, a report on the body element for automated checks.
(function () {
  "use strict";
  const grid = document.getElementById("cards");
  const cards = Array.from(grid.querySelectorAll(".card"));
  const byId = (id) => document.getElementById(id);
  const kind = byId("f-kind"), grade = byId("f-grade"), key = byId("f-key"), text = byId("f-text");
  const sort = byId("sort"), direction = byId("sort-dir"), shown = byId("shown"), empty = byId("empty");

  function filter() {
    const k = kind.value, g = grade.value, y = key.value, q = text.value.trim().toLowerCase();
    let n = 0;
    for (const card of cards) {
      const d = card.dataset;
      const match = (!k || d.kind === k) && (!g || d.grade === g) && (!y || d.key === y) &&
        (!q || d.source.toLowerCase().includes(q) || d.name.toLowerCase().includes(q));
      card.hidden = !match;
      n += match ? 1 : 0;
    }
    shown.textContent = n === cards.length ? cards.length + " files" : n + " of " + cards.length + " files";
    empty.hidden = n > 0;
    document.body.dataset.shown = String(n);
  }

  // Sort field: [data attribute, numeric?]. Ties keep the manifest's order.
  const FIELDS = {
    name: ["name", false], kind: ["kindRank", true], grade: ["grade", false], key: ["keyRank", true],
    brightness: ["centroid", true], duration: ["duration", true], source: ["source", false],
  };
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  function order() {
    const [attribute, numeric] = FIELDS[sort.value] || FIELDS.name;
    const sign = direction.dataset.dir === "desc" ? -1 : 1;
    const sorted = cards.slice().sort((a, b) => {
      const x = a.dataset[attribute], y = b.dataset[attribute];
      const c = numeric ? Number(x) - Number(y) : collator.compare(x, y);
      return sign * c || Number(a.dataset.index) - Number(b.dataset.index);
    });
    for (const card of sorted) grid.appendChild(card);
    document.body.dataset.sort = sort.value + " " + direction.dataset.dir;
  }

  function setDirection(desc) {
    direction.dataset.dir = desc ? "desc" : "asc";
    direction.textContent = desc ? "descending" : "ascending";
  }

  // The view lives in the address's fragment (#kind=pad&grade=A&key=...&q=...&sort=duration&dir=desc),
  // so a view can be bookmarked and the page opens in it.
  // [fragment key, control, value when absent]
  const STATE = [["kind", kind, ""], ["grade", grade, ""], ["key", key, ""], ["q", text, ""], ["sort", sort, "name"]];
  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    for (const [name, control, absent] of STATE) {
      const value = params.get(name) || absent;
      if (control.value === value) continue;
      control.value = value;
      if (control.value !== value) control.selectedIndex = 0;
    }
    setDirection(params.get("dir") === "desc");
    filter();
    order();
  }
  function writeHash() {
    const params = new URLSearchParams();
    for (const [name, control, absent] of STATE) {
      if (control.value !== absent) params.set(name, control.value);
    }
    if (direction.dataset.dir === "desc") params.set("dir", "desc");
    const hash = "#" + params.toString();
    if (hash !== (location.hash || "#")) location.replace(hash);
  }

  for (const control of [kind, grade, key]) control.addEventListener("change", () => { filter(); writeHash(); });
  text.addEventListener("input", () => { filter(); writeHash(); });
  sort.addEventListener("change", () => { order(); writeHash(); });
  direction.addEventListener("click", () => {
    setDirection(direction.dataset.dir !== "desc");
    order();
    writeHash();
  });
  window.addEventListener("hashchange", readHash);

  // Playback: one file at a time; the thumbnail shows where it is and starts it where clicked.
  let playing = null;
  function follow() {
    if (!playing) return;
    const audio = playing.querySelector("audio"), head = playing.querySelector(".playhead");
    if (head && audio.duration > 0) head.style.left = (100 * audio.currentTime / audio.duration) + "%";
    requestAnimationFrame(follow);
  }
  for (const card of cards) {
    const audio = card.querySelector("audio"), thumb = card.querySelector(".thumb:not(.missing)");
    audio.addEventListener("play", () => {
      for (const other of document.querySelectorAll("audio")) if (other !== audio) other.pause();
      if (playing) playing.classList.remove("playing");
      playing = card;
      card.classList.add("playing");
      requestAnimationFrame(follow);
    });
    const stop = () => {
      card.classList.remove("playing");
      if (playing === card) playing = null;
    };
    audio.addEventListener("pause", stop);
    audio.addEventListener("ended", stop);
    if (!thumb) continue;
    const playFrom = (fraction) => {
      const seek = () => { audio.currentTime = fraction * audio.duration; };
      if (audio.readyState >= 1) seek(); else audio.addEventListener("loadedmetadata", seek, { once: true });
      audio.play();
    };
    thumb.addEventListener("click", (event) => {
      const box = thumb.getBoundingClientRect();
      playFrom(Math.min(Math.max((event.clientX - box.left) / box.width, 0), 0.999));
    });
    thumb.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      if (audio.paused) audio.play(); else audio.pause();
    });
  }

  readHash();

  // For automated checks (a headless browser's --dump-dom): what loaded and what failed.
  window.addEventListener("load", () => {
    const images = Array.from(document.images);
    const loaded = images.filter((i) => i.complete && i.naturalWidth > 0).length;
    const failed = images.length - loaded;
    const body = document.body.dataset;
    body.files = String(cards.length);
    body.imagesLoaded = String(loaded);
    body.players = String(document.querySelectorAll("audio").length);
    body.errors = String((window.afterglowErrors || 0) + failed);
  });
})();
