"use strict";
/* The servicegap report page: draws the run's data (the JSON element "servicegap-data",
 * documented in docs/report.md) with Leaflet and uPlot. Every figure shown is one the data
 * holds; this script only formats and draws them. Nothing is fetched from the network. */
(function () {
  // Distance classes relative to the kind's threshold T: <= 1/2 T, <= T, <= 1 1/2 T, <= 2 T,
  // > 2 T (viridis, colour-blind safe; near is light, far is dark). The browser tests read
  // these constants from this file.
  const PALETTE = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"];
  const CLASS_EDGES = [0.5, 1, 1.5, 2];
  const NO_VALUE = "#a0a0a0";
  const NO_ROAD = "#ffffff";
  // Scenario changes (Okabe-Ito vermillion and blue).
  const ENTERED = "#d55e00";
  const LEFT = "#0072b2";
  const UNCHANGED = "#c8c8c8";
  const BACKGROUND = "#f3f1ea";
  const ROAD_STYLE = {
    "motorway and trunk": [3.2, "#8a8a8a"],
    primary: [2.4, "#9a9a9a"],
    secondary: [1.8, "#a8a8a8"],
    tertiary: [1.3, "#b8b8b8"],
    minor: [0.8, "#c9c9c9"],
    ferry: [1.2, "#8fa9c0"],
  };
  // One symbol per kind for the service points.
  const SYMBOL = { grocery: "triangle", fuel: "diamond", post: "square", pharmacy: "cross", payment: "hexagon" };

  // Load errors of any element (capture phase: they do not bubble) and uncaught exceptions,
  // counted on the ready marker for the tests.
  let loadErrors = 0;
  window.addEventListener("error", () => { loadErrors++; if (ready) ready.dataset.errors = String(loadErrors); }, true);
  let ready = null;
  const dataEl = document.getElementById("servicegap-data");
  if (!dataEl) return;
  const phases = [];
  const phase = (name) => phases.push(name + ":" + Math.round(performance.now()));
  phase("start");
  const D = JSON.parse(dataEl.textContent);
  phase("parsed");
  const S = D.settlements;
  const P = D.services;
  const KINDS = D.kinds;
  const KIND = {};
  KINDS.forEach((k) => { KIND[k.id] = k; });
  // A project's own kinds take the further shapes, in their order (repeating after four).
  const OWN_SHAPES = ["star", "invtriangle", "pentagon", "circle"];
  KINDS.filter((k) => !SYMBOL[k.id]).forEach((k, i) => { SYMBOL[k.id] = OWN_SHAPES[i % OWN_SHAPES.length]; });
  const SCEN = D.scenario && D.scenario.scenarios ? D.scenario.scenarios : [];

  // ---- formatting -------------------------------------------------------------------------
  const NBSP = "\u202f";
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, (c) =>
      ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }
  function int(n) {
    if (n == null) return "–";
    const s = String(Math.round(n));
    return s.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  }
  function dec(n, d) {
    if (n == null) return "–";
    return Number(n).toFixed(d);
  }
  // Three significant digits: access values span several orders of magnitude.
  function sig(n) {
    if (n == null) return "–";
    return n === 0 ? "0" : String(Number(Number(n).toPrecision(3)));
  }
  function pct(share, d) {
    if (share == null) return "–";
    return (share * 100).toFixed(d == null ? 1 : d) + NBSP + "%";
  }
  function thr(k) {
    const t = k.threshold || KIND[k.id || k].threshold;
    return dec(t.value, t.value % 1 ? 1 : 0) + NBSP + t.unit;
  }
  function unitLabel(u) { return u === "min" ? "min" : "km"; }
  function tick(b) { return b ? "✓" : ""; }
  function h(tag, attrs, html) {
    const e = document.createElement(tag);
    if (attrs) for (const a in attrs) e.setAttribute(a, attrs[a]);
    if (html != null) e.innerHTML = html;
    return e;
  }
  function table(head, rows, cls) {
    let s = '<table class="' + (cls || "") + '"><thead><tr>' +
      head.map((c) => "<th>" + c + "</th>").join("") + "</tr></thead><tbody>";
    for (const r of rows) s += "<tr>" + r.map((c) => "<td>" + c + "</td>").join("") + "</tr>";
    return s + "</tbody></table>";
  }

  // ---- state and fragment -----------------------------------------------------------------
  const state = { kind: KINDS[0].id, unit: KINDS[0].threshold.unit, scenario: 0, zoom: "" };
  function readHash() {
    const q = new URLSearchParams(location.hash.replace(/^#/, ""));
    if (q.get("kind") && KIND[q.get("kind")]) state.kind = q.get("kind");
    if (q.get("unit") === "km" || q.get("unit") === "min") state.unit = q.get("unit");
    else if (q.get("kind")) state.unit = KIND[state.kind].threshold.unit;
    const n = parseInt(q.get("scenario"), 10);
    state.scenario = n >= 1 && n <= SCEN.length ? n : 0;
    state.print = q.get("print") === "1";
  }
  function writeHash() {
    let s = "kind=" + state.kind + "&unit=" + state.unit;
    if (SCEN.length) s += "&scenario=" + state.scenario;
    history.replaceState(null, "", "#" + s);
  }
  readHash();

  // ---- classes ----------------------------------------------------------------------------
  // Class of settlement i for kind k and unit u: 0..4, or -1 no value (unreachable),
  // -2 no road, -3 outside the extract (not drawn).
  function classOf(i, k, u) {
    const st = S.status[i];
    if (st === "outside") return -3;
    if (st === "no_road") return -2;
    const v = S[u][k][i];
    if (v == null) return -1;
    const t = KIND[k].threshold.value;
    for (let c = 0; c < CLASS_EDGES.length; c++) if (v <= CLASS_EDGES[c] * t) return c;
    return 4;
  }
  function classLabels(k, u) {
    const t = KIND[k].threshold.value;
    const e = CLASS_EDGES.map((f) => dec(f * t, (f * t) % 1 ? 1 : 0));
    const U = NBSP + unitLabel(u);
    return ["up to " + e[0] + U, e[0] + "–" + e[1] + U, e[1] + "–" + e[2] + U,
      e[2] + "–" + e[3] + U, "over " + e[3] + U];
  }

  // ---- page skeleton ----------------------------------------------------------------------
  const root = h("main", { id: "report" });
  document.body.appendChild(root);
  const sum = D.summary;
  const head = h("header", { class: "top" });
  head.innerHTML = "<h1>" + esc(D.title) + "</h1><p class=\"file\">" + esc(D.file) + " · " +
    int(sum.settlements) + " settlements · " + int(sum.service_points) + " service points · " +
    esc(D.generator) + "</p>";
  root.appendChild(head);

  const headline = h("section", { class: "headline", id: "headline" });
  headline.innerHTML = "<h2>At a glance</h2><ul>" + KINDS.map((k) => "<li>" + kindSentence(k.id, sum.kinds[k.id]) + "</li>").join("") +
    "</ul><p class=\"cash\" id=\"cash\">" + cashSentence(D.cash, sum.kinds.payment) + "</p>";
  root.appendChild(headline);

  function kindSentence(id, r) {
    if (!r) return "";
    const k = KIND[id];
    let s = "<b>" + esc(k.label) + ":</b> ";
    if (r.services === 0) {
      s += "no point in the area: all " + int(r.settlements) + " settlements (" + int(r.population) +
        " people) are in a gap";
    } else {
      s += int(r.gap_settlements) + " of " + int(r.settlements) + " settlements (" + int(r.gap_population) +
        " people, " + pct(r.gap_share.population) + ") are more than " + thr(k) + " by road from the nearest of " +
        int(r.services) + " point" + (r.services === 1 ? "" : "s");
      if (k.gap_settlements_untagged) {
        s += " (" + int(k.gap_settlements_untagged) + " of them without a population figure)";
      }
      if (r.unreachable) s += " (" + int(r.unreachable) + " of them reach none by road)";
    }
    if (r.without_mobile) {
      s += "; on a day without the mobile service: " + int(r.without_mobile.gap_population) +
        " people (" + pct(r.without_mobile.gap_share.population) + ")";
    }
    if (r.without_seasonal) {
      s += "; in winter, without the seasonal points: " + int(r.without_seasonal.gap_population) +
        " people (" + pct(r.without_seasonal.gap_share.population) + ")";
    }
    return s + ".";
  }
  function cashSentence(c, pay) {
    if (!c) return "";
    const lim = pct(c.limit_share, 2);
    if (c.population === 0 || c.share == null) {
      return "Cash law check: no population figures, so the share beyond " + dec(c.km, 0) + NBSP + "km cannot be stated.";
    }
    const verdict = c.within_limit ? "<b class=\"ok\">within the limit</b>" : "<b class=\"over\">over the limit</b>";
    if (pay && pay.services === 0) {
      return "There is <b>no cash withdrawal point</b> in the data at all: all " + int(c.population) +
        " people (" + pct(c.share, 2) + ") are without cash within " + dec(c.km, 0) + NBSP +
        "km by road; the law (betaltjänstlagen) allows at most " + lim + ": " + verdict + ".";
    }
    let s = int(c.beyond_population) + " people live more than " + dec(c.km, 0) + NBSP +
      "km by road from cash withdrawal";
    if (c.unreachable_population) s += " and " + int(c.unreachable_population) + " reach none by road";
    s += ": " + pct(c.share, 2) + " of " + int(c.population) + "; the law (betaltjänstlagen) allows at most " + lim + ": " + verdict + ".";
    return s;
  }

  // ---- controls, map, legend --------------------------------------------------------------
  const overview = h("section", { class: "overview", id: "overview" });
  root.appendChild(overview);
  const controls = h("div", { class: "controls", id: "controls" });
  overview.appendChild(controls);
  const mapRow = h("div", { class: "maprow" });
  overview.appendChild(mapRow);
  const mapEl = h("div", { id: "map", class: "map" });
  mapRow.appendChild(mapEl);
  const legend = h("aside", { id: "legend", class: "legend" });
  mapRow.appendChild(legend);

  function drawControls() {
    let s = '<div class="group" role="group" aria-label="Kind">';
    for (const k of KINDS) {
      s += '<button type="button" data-kind="' + k.id + '" class="' + (k.id === state.kind ? "on" : "") + '">' + esc(k.label) + "</button>";
    }
    s += '</div><div class="group" role="group" aria-label="Unit">';
    for (const u of ["km", "min"]) {
      s += '<button type="button" data-unit="' + u + '" class="' + (u === state.unit ? "on" : "") + '">' + (u === "km" ? "road km" : "car minutes") + "</button>";
    }
    s += "</div>";
    if (SCEN.length) {
      s += '<div class="group" role="group" aria-label="Scenario"><button type="button" data-scenario="0" class="' + (state.scenario === 0 ? "on" : "") + '">Today</button>';
      SCEN.forEach((sc, i) => {
        s += '<button type="button" data-scenario="' + (i + 1) + '" class="' + (state.scenario === i + 1 ? "on" : "") + '">' + esc(sc.name) + "</button>";
      });
      s += "</div>";
    }
    if (D.borders && D.borders.length > 1) {
      // Zoom the map to one region; the regions without analysed settlements are left out.
      s += '<label class="group zoomto">Zoom to <select id="zoomto"><option value="">the whole map</option>';
      D.borders.forEach((b, i) => {
        if (sum.regions && sum.regions[i] && sum.regions[i].settlements > 0) {
          s += '<option value="' + i + '"' + (String(i) === state.zoom ? " selected" : "") + ">" + esc(b.name) + "</option>";
        }
      });
      s += "</select></label>";
    }
    controls.innerHTML = s;
  }
  controls.addEventListener("change", (ev) => {
    if (ev.target.id !== "zoomto") return;
    state.zoom = ev.target.value;
    if (state.zoom === "") { fitAll(); return; }
    let w = 180, e = -180, so = 90, n = -90;
    for (const r of D.borders[+state.zoom].rings) {
      for (let j = 0; j + 1 < r.length; j += 2) {
        if (r[j] < w) w = r[j]; if (r[j] > e) e = r[j]; if (r[j + 1] < so) so = r[j + 1]; if (r[j + 1] > n) n = r[j + 1];
      }
    }
    if (w <= e) map.fitBounds([[so, w], [n, e]], { padding: [20, 20] });
  });
  controls.addEventListener("click", (ev) => {
    const b = ev.target.closest("button");
    if (!b) return;
    if (b.dataset.kind) state.kind = b.dataset.kind;
    if (b.dataset.unit) state.unit = b.dataset.unit;
    if (b.dataset.scenario != null) state.scenario = parseInt(b.dataset.scenario, 10);
    writeHash();
    refresh();
  });

  function swatch(fill, ring, stroke) {
    return '<span class="sw" style="background:' + fill + ";" + (ring ? "box-shadow:0 0 0 2px #fff,0 0 0 4px #000;" : "") +
      (stroke ? "border:1px solid " + stroke + ";" : "") + '"></span>';
  }
  function symbolSvg(kind, mobile) {
    const c = document.createElement("canvas");
    c.width = 22; c.height = 22;
    const g = c.getContext("2d");
    drawSymbol(g, SYMBOL[kind], 11, 11, 8, mobile, true);
    return '<img class="sym" alt="" src="' + c.toDataURL() + '">';
  }
  function drawLegend() {
    const k = KIND[state.kind];
    let s = "";
    if (state.scenario) {
      const sc = SCEN[state.scenario - 1];
      s += "<h3>" + esc(sc.name) + "</h3><p>" + esc(k.label) + ", threshold " + thr(k) + "</p><ul>";
      s += "<li>" + swatch(ENTERED, false, "#000") + "enters a gap</li>";
      s += "<li>" + swatch(LEFT, false, "#000") + "leaves a gap</li>";
      s += "<li>" + swatch(UNCHANGED, false, "#666") + "no change</li>";
      s += '<li><span class="mk closed">✕</span>point closed</li><li><span class="mk added">+</span>point added</li></ul>';
    } else {
      const labels = classLabels(state.kind, state.unit);
      s += "<h3>" + esc(k.label) + "</h3><p>" + (state.unit === "km" ? "Road km" : "Car minutes") +
        " to the nearest point. Threshold " + thr(k) + (state.unit !== k.threshold.unit ? " (classes use the same numbers in " + unitLabel(state.unit) + ")" : "") + ".</p><ul>";
      labels.forEach((l, c) => { s += "<li>" + swatch(PALETTE[c], false, "#333") + l + "</li>"; });
      s += "<li>" + swatch(PALETTE[4], true) + "in a gap (beyond " + thr(k) + "; ringed when zoomed in)</li>";
      s += "<li>" + swatch(NO_VALUE, false, "#333") + "no point reachable by road</li>";
      s += "<li>" + swatch(NO_ROAD, false, "#333") + "no road</li></ul>";
    }
    s += "<h4>Service points</h4><ul>";
    for (const kk of KINDS) s += "<li>" + symbolSvg(kk.id, false) + esc(kk.label) + "</li>";
    s += "<li>" + symbolSvg(state.kind, true) + "mobile (van stop)</li></ul>";
    s += '<p class="hint">Hover or tap a settlement for its figures.</p>';
    legend.innerHTML = s;
  }

  // ---- projection and the canvas layer ----------------------------------------------------
  const crs = L.CRS.EPSG3857;
  function proj(lon, lat) {
    const p = crs.latLngToPoint(L.latLng(lat, lon), 0);
    return [p.x, p.y];
  }
  const N = S.count;
  const SX = new Float64Array(N), SY = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const p = proj(S.lon[i], S.lat[i]);
    SX[i] = p[0]; SY[i] = p[1];
  }
  const PX = new Float64Array(P.count), PY = new Float64Array(P.count);
  for (let i = 0; i < P.count; i++) {
    const p = proj(P.lon[i], P.lat[i]);
    PX[i] = p[0]; PY[i] = p[1];
  }
  function projLines(flat) {
    const out = new Float64Array(flat.length);
    for (let j = 0; j + 1 < flat.length; j += 2) {
      const p = proj(flat[j], flat[j + 1]);
      out[j] = p[0]; out[j + 1] = p[1];
    }
    return out;
  }
  phase("projected");
  const ROADS = (D.roads || []).map((g) => ({ name: g.name, lines: g.lines.map(projLines) })).reverse();
  const BORDERS = (D.borders || []).map((b) => ({ name: b.name, rings: b.rings.map(projLines) }));

  function drawSymbol(g, shape, x, y, r, mobile, strong) {
    g.beginPath();
    if (shape === "triangle") {
      g.moveTo(x, y - r); g.lineTo(x + r * 0.95, y + r * 0.75); g.lineTo(x - r * 0.95, y + r * 0.75); g.closePath();
    } else if (shape === "diamond") {
      g.moveTo(x, y - r); g.lineTo(x + r * 0.8, y); g.lineTo(x, y + r); g.lineTo(x - r * 0.8, y); g.closePath();
    } else if (shape === "square") {
      g.rect(x - r * 0.75, y - r * 0.75, r * 1.5, r * 1.5);
    } else if (shape === "cross") {
      const a = r * 0.35;
      g.moveTo(x - a, y - r); g.lineTo(x + a, y - r); g.lineTo(x + a, y - a); g.lineTo(x + r, y - a);
      g.lineTo(x + r, y + a); g.lineTo(x + a, y + a); g.lineTo(x + a, y + r); g.lineTo(x - a, y + r);
      g.lineTo(x - a, y + a); g.lineTo(x - r, y + a); g.lineTo(x - r, y - a); g.lineTo(x - a, y - a); g.closePath();
    } else if (shape === "circle") {
      g.arc(x, y, r * 0.8, 0, 2 * Math.PI);
    } else if (shape === "invtriangle") {
      g.moveTo(x, y + r); g.lineTo(x + r * 0.95, y - r * 0.75); g.lineTo(x - r * 0.95, y - r * 0.75); g.closePath();
    } else if (shape === "star" || shape === "pentagon") {
      // Five outer points; a star has inner points between them.
      const n = shape === "star" ? 10 : 5;
      for (let j = 0; j < n; j++) {
        const a = -Math.PI / 2 + (j * 2 * Math.PI) / n;
        const rr = shape === "star" && j % 2 ? r * 0.45 : r;
        if (j) g.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a)); else g.moveTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
      }
      g.closePath();
    } else {
      for (let j = 0; j < 6; j++) {
        const a = Math.PI / 6 + (j * Math.PI) / 3;
        if (j) g.lineTo(x + r * Math.cos(a), y + r * Math.sin(a)); else g.moveTo(x + r * Math.cos(a), y + r * Math.sin(a));
      }
      g.closePath();
    }
    g.lineWidth = mobile ? 2 : 1.5;
    g.setLineDash(mobile ? [2, 2] : []);
    g.fillStyle = mobile ? "#ffffff" : strong ? "#111111" : "#8c8c8c";
    g.strokeStyle = mobile ? "#111111" : "#ffffff";
    g.fill(); g.stroke();
    g.setLineDash([]);
  }

  // The grid index of the last drawing, for hover hit tests: cell -> [kind, index, x, y, r].
  const CELL = 24;
  let grid = new Map();
  let drawn = 0;
  let changed = { entered: 0, left: 0 };
  // Numeric keys: string keys cost more than the drawing on a national view.
  function cellKey(cx, cy) { return (cx + 16) * 65536 + (cy + 16); }
  function gridAdd(t, i, x, y, r) {
    const key = cellKey(Math.floor(x / CELL), Math.floor(y / CELL));
    let b = grid.get(key);
    if (!b) grid.set(key, (b = []));
    b.push([t, i, x, y, r]);
  }

  const Layer = L.Layer.extend({
    onAdd(map) {
      this._c = L.DomUtil.create("canvas", "sg-canvas leaflet-zoom-hide");
      map.getPanes().overlayPane.appendChild(this._c);
      map.on("moveend zoomend resize viewreset", this.redraw, this);
      this.redraw();
    },
    onRemove(map) {
      L.DomUtil.remove(this._c);
      map.off("moveend zoomend resize viewreset", this.redraw, this);
    },
    redraw() {
      const map = this._map;
      const size = map.getSize();
      const dpr = window.devicePixelRatio || 1;
      const c = this._c;
      c.width = size.x * dpr; c.height = size.y * dpr;
      c.style.width = size.x + "px"; c.style.height = size.y + "px";
      L.DomUtil.setPosition(c, map.containerPointToLayerPoint([0, 0]));
      const g = c.getContext("2d");
      g.setTransform(dpr, 0, 0, dpr, 0, 0);
      draw(g, map, size);
    },
  });

  function draw(g, map, size) {
    const z = map.getZoom();
    const s = Math.pow(2, z);
    const o = map.getPixelBounds().min;
    const W = size.x, H = size.y;
    g.fillStyle = BACKGROUND;
    g.fillRect(0, 0, W, H);
    function path(flat, close) {
      for (let j = 0; j + 1 < flat.length; j += 2) {
        const x = flat[j] * s - o.x, y = flat[j + 1] * s - o.y;
        if (j) g.lineTo(x, y); else g.moveTo(x, y);
      }
      if (close) g.closePath();
    }
    // Region borders: a white land fill, then the lines over the roads.
    if (BORDERS.length) {
      g.beginPath();
      for (const b of BORDERS) for (const r of b.rings) path(r, true);
      g.fillStyle = "#fbfaf6";
      g.fill("evenodd");
    }
    g.lineCap = "round"; g.lineJoin = "round";
    for (const r of ROADS) {
      const st = ROAD_STYLE[r.name] || [0.8, "#c9c9c9"];
      g.beginPath();
      for (const l of r.lines) path(l, false);
      g.lineWidth = st[0] * Math.min(1.6, Math.max(0.6, (z - 6) / 5));
      g.strokeStyle = st[1];
      g.setLineDash(r.name === "ferry" ? [4, 4] : []);
      g.stroke();
    }
    g.setLineDash([]);
    if (BORDERS.length) {
      g.beginPath();
      for (const b of BORDERS) for (const r of b.rings) path(r, true);
      g.lineWidth = z < 7 ? 0.7 : 1.4; g.strokeStyle = "#6b6b6b";
      g.stroke();
    }
    // Settlements: batched per class so that one path is filled per colour.
    grid = new Map();
    drawn = 0;
    changed = { entered: 0, left: 0 };
    const r = Math.max(1.2, Math.min(7, z - 4));
    const k = state.kind, u = state.unit;
    const gap = S.gap[k];
    const buckets = [[], [], [], [], [], [], [], []]; // classes 0..4, no value, no road, gap ring
    let mark = null;
    if (state.scenario) {
      const ch = SCEN[state.scenario - 1].kinds[k] || { entered_gap: [], left_gap: [] };
      mark = new Int8Array(N);
      for (const i of ch.entered_gap) mark[i] = 1;
      for (const i of ch.left_gap) mark[i] = 2;
    }
    const sc = [[], [], []]; // unchanged, entered, left
    for (let i = 0; i < N; i++) {
      const x = SX[i] * s - o.x, y = SY[i] * s - o.y;
      if (x < -r || y < -r || x > W + r || y > H + r) continue;
      const cl = classOf(i, k, u);
      if (cl === -3) continue;
      drawn++;
      if (mark) {
        sc[mark[i]].push(x, y);
        if (mark[i] === 1) changed.entered++;
        if (mark[i] === 2) changed.left++;
      } else {
        buckets[cl >= 0 ? cl : cl === -1 ? 5 : 6].push(x, y);
        if (gap[i]) buckets[7].push(x, y);
      }
      gridAdd(0, i, x, y, r);
    }
    function dots(xy, rad, fill, stroke, lw) {
      if (!xy.length) return;
      if (rad < 2 && fill) {
        // Squares of a pixel or two: a country's settlements, as fast as the canvas goes.
        g.fillStyle = fill;
        for (let j = 0; j < xy.length; j += 2) g.fillRect(xy[j] - rad, xy[j + 1] - rad, 2 * rad, 2 * rad);
        return;
      }
      g.beginPath();
      for (let j = 0; j < xy.length; j += 2) {
        g.moveTo(xy[j] + rad, xy[j + 1]);
        g.arc(xy[j], xy[j + 1], rad, 0, 2 * Math.PI);
      }
      if (fill) { g.fillStyle = fill; g.fill(); }
      if (stroke) { g.lineWidth = lw; g.strokeStyle = stroke; g.stroke(); }
    }
    const thin = r > 2.5 ? 0.8 : 0;
    if (mark) {
      dots(sc[0], r * 0.8, UNCHANGED, thin ? "#777" : null, thin);
      dots(sc[2], r + 2, LEFT, "#000", 1);
      dots(sc[1], r + 2, ENTERED, "#000", 1);
    } else {
      dots(buckets[6], r, NO_ROAD, "#333", 1);
      dots(buckets[5], r, NO_VALUE, thin ? "#333" : null, thin);
      for (let c = 0; c < 5; c++) dots(buckets[c], r, PALETTE[c], thin ? "#333" : null, thin);
      // Rings only where the dots are large enough to carry them; on a national view the
      // classes beyond the threshold are the gap.
      // A white ring inside the black one keeps the mark visible on the darkest classes.
      if (r >= 4) {
        dots(buckets[7], r + 1, null, "#ffffff", 1.6);
        dots(buckets[7], r + 2.6, null, "#000000", r > 4 ? 2.2 : 1.5);
      }
    }
    // Service points: the selected kind strong and large, the other kinds small and grey.
    const ps = Math.max(5, Math.min(11, z - 2));
    for (const strong of [false, true]) {
      for (let i = 0; i < P.count; i++) {
        if (P.status[i] !== "ok") continue;
        const has = P.kinds[i].indexOf(k) >= 0;
        if (has !== strong) continue;
        if (!strong && z < 9) continue;
        const x = PX[i] * s - o.x, y = PY[i] * s - o.y;
        if (x < -10 || y < -10 || x > W + 10 || y > H + 10) continue;
        const kk = has ? k : P.kinds[i][0];
        if (z < 8) {
          // A national view: small plain marks, or 3 000 symbols hide the settlements.
          g.fillStyle = P.mobile[i] ? "#ffffff" : "#111111";
          g.fillRect(x - 1.5, y - 1.5, 3, 3);
          continue;
        }
        drawSymbol(g, SYMBOL[kk], x, y, strong ? ps : ps * 0.6, P.mobile[i], strong);
        gridAdd(1, i, x, y, strong ? ps : ps * 0.6);
      }
    }
    if (mark) {
      const scn = SCEN[state.scenario - 1];
      g.font = "bold " + (ps * 2.4) + "px sans-serif";
      g.textAlign = "center"; g.textBaseline = "middle";
      for (const p of scn.closed) {
        const q = proj(p.lon, p.lat), x = q[0] * s - o.x, y = q[1] * s - o.y;
        g.lineWidth = 4; g.strokeStyle = "#fff"; g.strokeText("✕", x, y);
        g.fillStyle = "#b00020"; g.fillText("✕", x, y);
      }
      for (const p of scn.added) {
        const q = proj(p.lon, p.lat), x = q[0] * s - o.x, y = q[1] * s - o.y;
        g.lineWidth = 4; g.strokeStyle = "#fff"; g.strokeText("+", x, y);
        g.fillStyle = "#006d2c"; g.fillText("+", x, y);
      }
    }
    if (!loaded) phase("drawn");
    markReady();
  }

  // ---- map --------------------------------------------------------------------------------
  const map = L.map(mapEl, { zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false, zoomSnap: 0.25, preferCanvas: true });
  map.attributionControl.setPrefix("Leaflet");
  for (const a of D.attribution || []) map.attributionControl.addAttribution(esc(a));
  L.control.scale({ imperial: false, maxWidth: 160 }).addTo(map);
  function fitAll() {
    let w = 180, e = -180, so = 90, n = -90;
    for (let i = 0; i < N; i++) {
      if (S.status[i] === "outside") continue;
      const x = S.lon[i], y = S.lat[i];
      if (x < w) w = x; if (x > e) e = x; if (y < so) so = y; if (y > n) n = y;
    }
    for (let i = 0; i < P.count; i++) {
      if (P.status[i] !== "ok") continue;
      const x = P.lon[i], y = P.lat[i];
      if (x < w) w = x; if (x > e) e = x; if (y < so) so = y; if (y > n) n = y;
    }
    if (w > e) { w = D.bbox[0]; so = D.bbox[1]; e = D.bbox[2]; n = D.bbox[3]; }
    if (e - w < 0.01) { w -= 0.01; e += 0.01; }
    if (n - so < 0.01) { so -= 0.01; n += 0.01; }
    map.fitBounds([[so, w], [n, e]], { padding: [20, 20] });
  }
  fitAll();
  const layer = new Layer();

  // Hover: the nearest settlement or point under the cursor from the grid index.
  const tip = h("div", { class: "tip", hidden: "" });
  mapEl.appendChild(tip);
  function hit(pt) {
    const cx = Math.floor(pt.x / CELL), cy = Math.floor(pt.y / CELL);
    let best = null, bd = Infinity;
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) {
      const b = grid.get(cellKey(cx + dx, cy + dy));
      if (!b) continue;
      for (const e of b) {
        const d = Math.hypot(e[2] - pt.x, e[3] - pt.y);
        const lim = e[4] + 5;
        // Points win over settlements under them.
        const score = d - (e[0] === 1 ? 3 : 0);
        if (d <= lim && score < bd) { bd = score; best = e; }
      }
    }
    return best;
  }
  function settlementHtml(i) {
    let s = "<b>" + esc(S.name[i] || "(no name)") + "</b><br>Population: " + (S.population[i] == null ? "unknown" : int(S.population[i])) +
      (S.status[i] === "no_road" ? "<br><i>no road</i>" : "");
    if (S.groups) for (const g in S.groups) s += "<br>" + esc(g) + ": " + (S.groups[g][i] == null ? "unknown" : int(S.groups[g][i]));
    if (D.borders && S.region && S.region[i] != null) s += "<br>" + esc(D.borders[S.region[i]].name);
    s += "<table>";
    for (const k of KINDS) {
      const g = S.gap[k.id][i];
      const km = S.km[k.id][i], mn = S.min[k.id][i];
      s += "<tr" + (k.id === state.kind ? ' class="cur"' : "") + "><td>" + esc(k.label) + "</td>" +
        (km == null ? '<td colspan="2">none reachable</td>' : "<td>" + dec(km, 1) + NBSP + "km</td><td>" + dec(mn, 0) + NBSP + "min</td>") +
        "<td>" + (g ? "<b>gap</b>" : "") + "</td></tr>";
      if (S.km_without_mobile && S.km_without_mobile[k.id]) {
        s += "<tr><td>&nbsp; without mobile</td><td>" + dec(S.km_without_mobile[k.id][i], 1) + NBSP + "km</td><td></td><td></td></tr>";
      }
      if (S.km_without_seasonal && S.km_without_seasonal[k.id]) {
        s += "<tr><td>&nbsp; in winter</td><td>" + dec(S.km_without_seasonal[k.id][i], 1) + NBSP + "km</td><td></td><td></td></tr>";
      }
      const nb = S.nearest;
      if (nb && nb.km_2nd[k.id][i] != null) {
        const mean = nb.min_mean[k.id][i];
        s += "<tr><td>&nbsp; 2nd nearest</td><td>" + dec(nb.km_2nd[k.id][i], 1) + NBSP + "km</td><td>" +
          (nb.min_2nd[k.id][i] == null ? "" : dec(nb.min_2nd[k.id][i], 0) + NBSP + "min") + "</td><td></td></tr>";
        if (mean != null) s += "<tr><td>&nbsp; mean of " + nb.n + " nearest</td><td></td><td>" + dec(mean, 0) + NBSP + "min</td><td></td></tr>";
      }
      const acc = S.e2sfca && S.e2sfca[k.id] ? S.e2sfca[k.id][i] : null;
      if (acc != null) {
        s += '<tr class="e2sfca"><td>&nbsp; access</td><td colspan="3">' + sig(acc) + " per 1" + NBSP + "000 people</td></tr>";
      }
    }
    return s + "</table>";
  }
  function pointHtml(i) {
    // The next point of each kind it offers (null where none is reachable or it is dropped).
    const next = P.kinds[i].filter((k) => P.next_km && P.next_km[k] && P.status[i] === "ok").map((k) => {
      const km = P.next_km[k][i], mn = P.next_min[k][i];
      return "<br>next " + esc(KIND[k] ? KIND[k].label.toLowerCase() : k) + ": " +
        (km == null ? "none reachable" : dec(km, 1) + NBSP + "km, " + dec(mn, 0) + NBSP + "min");
    }).join("");
    return "<b>" + esc(P.name[i] || P.id[i]) + "</b><br>" + P.kinds[i].map((k) => esc(KIND[k] ? KIND[k].label : k)).join(", ") +
      (P.mobile[i] ? "<br>mobile (van stop)" : "") + (P.seasonal && P.seasonal[i] ? "<br>seasonal (summer only)" : "") +
      next + '<br><span class="id">' + esc(P.id[i]) + "</span>";
  }
  function showTip(ev) {
    const e = hit(ev.containerPoint);
    if (!e) { tip.hidden = true; return; }
    tip.innerHTML = e[0] === 0 ? settlementHtml(e[1]) : pointHtml(e[1]);
    tip.hidden = false;
    const x = ev.containerPoint.x, y = ev.containerPoint.y;
    const w = mapEl.clientWidth;
    tip.style.left = (x > w - 320 ? x - 300 : x + 16) + "px";
    tip.style.top = Math.max(4, y - 20) + "px";
  }
  map.on("mousemove click", showTip);
  map.on("mouseout movestart", () => { tip.hidden = true; });

  // ---- ready marker -----------------------------------------------------------------------
  ready = h("div", { id: "servicegap-ready", hidden: "" });
  document.body.appendChild(ready);
  let loaded = false;
  function markReady() {
    if (!loaded) return;
    const r = mapEl.getBoundingClientRect();
    ready.dataset.kind = state.kind;
    ready.dataset.unit = state.unit;
    ready.dataset.scenario = String(state.scenario);
    ready.dataset.drawn = String(drawn);
    ready.dataset.entered = String(changed.entered);
    ready.dataset.left = String(changed.left);
    ready.dataset.map = [r.left + scrollX, r.top + scrollY, r.width, r.height].map(Math.round).join(",");
    ready.dataset.errors = String(loadErrors);
    ready.dataset.phases = phases.join(" ");
    ready.dataset.elements = String(document.getElementsByTagName("*").length);
    // Every script, style and image is inside the file: the browser lists no resource.
    ready.dataset.resources = String(performance.getEntriesByType ? performance.getEntriesByType("resource").length : 0);
    if (!ready.dataset.ms) ready.dataset.ms = String(Math.round(performance.now()));
    document.documentElement.dataset.ready = "1";
  }

  function refresh() {
    drawControls();
    drawLegend();
    if (layer._map) layer.redraw(); else layer.addTo(map);
  }

  // ---- summary tables and charts ----------------------------------------------------------
  const figures = h("section", { class: "figures", id: "figures" });
  root.appendChild(figures);
  function kindsTable(kinds, withMobile) {
    const rows = KINDS.map((k) => {
      const r = kinds[k.id];
      if (!r) return null;
      return [esc(k.label), thr(k), int(r.services), int(r.settlements), int(r.population),
        int(r.gap_settlements), int(r.gap_population), pct(r.gap_share.population), int(r.unreachable), int(r.no_road),
        dec(r.km.p50, 1), dec(r.km.p90, 1), dec(r.km.max, 1), dec(r.min.p50, 0), dec(r.min.p90, 0), dec(r.min.max, 0)];
    }).filter(Boolean);
    let s = table(["Kind", "Threshold", "Points", "Settle&shy;ments", "Popu&shy;lation", "Settlements in gap", "People in gap", "Share of people",
      "Unreach&shy;able", "No road", "Median km", "p90 km", "Max km", "Median min", "p90 min", "Max min"], rows, "num kinds");
    s += groupsTable(kinds);
    if (withMobile) {
      const acc = KINDS.filter((k) => kinds[k.id] && kinds[k.id].e2sfca && kinds[k.id].e2sfca.p50 != null);
      if (acc.length) {
        s += '<p class="e2sfca">Capacity-aware access (E2SFCA, Luo &amp; Qi 2009: the points within the ' +
          "catchment by car, weighted by time and shared among the people who reach them), per 1" + NBSP + "000 people: " + acc.map((k) => {
          const e = kinds[k.id].e2sfca;
          return esc(k.label) + " median " + sig(e.p50) + ", mean per person " + sig(e.mean_population) +
            (e.zero_population ? ", " + int(e.zero_population) + " people with none in reach" : "");
        }).join("; ") + ".</p>";
      }
      const mob = KINDS.filter((k) => kinds[k.id] && kinds[k.id].without_mobile);
      if (mob.length) {
        s += "<p>On a day without the mobile points (shop van): " + mob.map((k) => {
          const w = kinds[k.id].without_mobile;
          return esc(k.label) + " " + int(w.gap_population) + " people in gap (" + pct(w.gap_share.population) + ", " + int(w.gap_settlements) + " settlements) instead of " + int(kinds[k.id].gap_population);
        }).join("; ") + ".</p>";
      }
      const sea = KINDS.filter((k) => kinds[k.id] && kinds[k.id].without_seasonal);
      if (sea.length) {
        s += "<p>In winter, without the seasonal points (open in summer only): " + sea.map((k) => {
          const w = kinds[k.id].without_seasonal;
          return esc(k.label) + " " + int(w.gap_population) + " people in gap (" + pct(w.gap_share.population) + ", " + int(w.gap_settlements) + " settlements) instead of " + int(kinds[k.id].gap_population);
        }).join("; ") + ".</p>";
      }
    }
    return s;
  }
  // Population groups (summary kinds.K.groups): a row per group and kind; "" without groups.
  function groupsTable(kinds) {
    const rows = [];
    let far = null;
    const first = KINDS.find((k) => kinds[k.id] && kinds[k.id].groups);
    const names = first ? Object.keys(kinds[first.id].groups) : [];
    for (const g of names) {
      for (const k of KINDS) {
        const f = kinds[k.id] && kinds[k.id].groups && kinds[k.id].groups[g];
        if (!f) continue;
        far = f.far_km;
        rows.push([esc(g), esc(k.label), int(f.population), int(f.gap_population), pct(f.gap_share),
          int(f.far_population), dec(f.far_total_km, 0), int(f.no_distance_population)]);
      }
    }
    if (!rows.length) return "";
    const farHead = "People " + dec(far, far % 1 ? 1 : 0) + NBSP + "km or more";
    return "<h4>Population groups</h4>" + table(["Group", "Kind", "People", "People in gap", "Share of people", farHead,
      "Their one-way km", "No road distance"], rows, "num groups");
  }
  function bandsTable(b) {
    const head = ["Kind"].concat(b.labels.map(esc), ["Unreachable", "No road"]);
    const rows = KINDS.map((k) => {
      const r = b.kinds[k.id];
      if (!r) return null;
      return [esc(k.label)].concat(r.population.map(int), [int(r.unreachable.population), int(r.no_road.population)]);
    }).filter(Boolean);
    return table(head, rows, "num bands");
  }
  figures.innerHTML = "<h2>Figures by kind</h2>" + kindsTable(sum.kinds, true) +
    "<h2>People by road distance to the nearest point</h2><div class=\"charts\" id=\"charts\"></div>" +
    "<p class=\"note\">People in each Pipos distance band (road km; a value on an edge belongs to the lower band).</p>" + bandsTable(D.bands);

  function barChart(el, b, k) {
    const r = b.kinds[k.id];
    if (!r || typeof uPlot === "undefined") return;
    const xs = b.labels.map((_, i) => i);
    const labels = b.labels;
    new uPlot({
      title: k.label, width: 420, height: 230, legend: { show: false }, cursor: { show: false },
      scales: { x: { time: false, range: [-0.5, labels.length - 0.5] }, y: { range: (u, mn, mx) => [0, Math.max(10, mx * 1.1)] } },
      axes: [
        { values: (u, v) => v.map((i) => labels[i] ? labels[i].replace(" km", "") : ""), splits: () => xs, font: "13px sans-serif", stroke: "#222" },
        { values: (u, v) => v.map((x) => int(x)), size: 64, font: "13px sans-serif", stroke: "#222" },
      ],
      series: [{}, { label: "people", fill: "#3b528b", stroke: "#1f2d50", paths: uPlot.paths.bars({ size: [0.7, 60] }), points: { show: false } }],
    }, [xs, r.population], el);
  }

  // ---- scenario comparison ----------------------------------------------------------------
  if (D.scenario && D.scenario.compare) {
    const c = D.scenario.compare;
    const sec = h("section", { class: "scenario", id: "scenario" });
    const cols = [{ name: "Today", kinds: c.baseline.kinds }].concat(c.scenarios);
    const head = ["Kind", "Threshold"].concat(cols.map((x) => esc(x.name)));
    const rows = [];
    for (const k of KINDS) {
      rows.push([esc(k.label), thr(k)].concat(cols.map((x) => {
        const r = x.kinds[k.id];
        if (!r) return "–";
        let s = "<b>" + int(r.gap_population) + "</b> people in gap (" + pct(r.gap_share.population) + ")<br>" +
          int(r.gap_settlements) + " settlements in gap; " + int(r.services) + (r.services === 1 ? " point" : " points") +
          (r.km.p50 == null ? "" : "<br>median " + dec(r.km.p50, 1) + NBSP + "km");
        if (r.change) {
          const en = r.change.entered_gap.settlements, le = r.change.left_gap.settlements;
          s += "<br>" + (en || le ? '<span class="in">' + int(en) + " enter a gap</span>, " + '<span class="out">' + int(le) + " leave one</span>" : "no settlement enters or leaves a gap");
        }
        return s;
      })));
    }
    let s = "<h2>Scenarios compared</h2>" + table(head, rows, "compare");
    s += "<ul>" + c.scenarios.map((x, i) => {
      const m = SCEN[i] || { closed: [], added: [] };
      return "<li><b>" + esc(x.name) + "</b>: " +
        (m.closed.length ? "closes " + m.closed.map((p) => esc(p.name || p.id)).join(", ") : "closes nothing") + "; " +
        (m.added.length ? "adds " + m.added.map((p) => esc(p.name || p.id)).join(", ") : "adds nothing") + "</li>";
    }).join("") + "</ul><p class=\"note\">Choose a scenario above the map to see which settlements enter or leave a gap.</p>";
    sec.innerHTML = s;
    root.insertBefore(sec, figures);
  }

  // ---- plan pages -------------------------------------------------------------------------
  const secs = D.sections || [];
  const regions = sum.regions || null;
  function regionKinds(sec) {
    return regions && sec.region != null ? regions[sec.region].kinds : sum.kinds;
  }
  function analysed(sec) {
    return regions && sec.region != null ? regions[sec.region].settlements : sum.settlements;
  }
  const pages = h("section", { class: "plans", id: "plans" });
  if (secs.length) root.appendChild(pages);
  const full = secs.map((sec, i) => [sec, i]).filter((x) => analysed(x[0]) > 0);
  const empty = secs.filter((sec) => analysed(sec) === 0);
  if (secs.length) {
    let s = '<h2 class="toc-title">Plan pages</h2><p>One page per ' + (regions ? "region" : "area") +
      " with the situation chapter of a service plan: people beyond each threshold, the places and their kinds, the sårbar points, the support screening and the best new sites.</p>";
    const head = ["Region", "Settlements"].concat(KINDS.map((k) => esc(k.label) + "<br>people in gap"));
    const rows = full.map(([sec, i]) => {
      const kk = regionKinds(sec);
      return ['<a href="#plan-' + i + '">' + esc(sec.name) + "</a>", int(analysed(sec))].concat(KINDS.map((k) =>
        kk[k.id] ? int(kk[k.id].gap_population) + " (" + pct(kk[k.id].gap_share.population) + ")" : "–"));
    });
    s += table(head, rows, "num toc");
    if (empty.length) s += '<p class="note">No settlement of this run lies in ' + int(empty.length) + " more region" + (empty.length === 1 ? "" : "s") + ": " + empty.map((x) => esc(x.name)).join(", ") + ".</p>";
    pages.innerHTML = '<div class="toc" id="toc">' + s + "</div>";
  }
  // Each page starts as an empty placeholder and is built when it comes near the viewport,
  // or all at once before printing: 290 pages must not slow the page's opening.
  const built = new Set();
  const holders = full.map(([sec, i]) => {
    const d = h("article", { class: "plan", id: "plan-" + i });
    d.innerHTML = "<h2>" + esc(sec.name) + '</h2><div class="lazy"></div>';
    pages.appendChild(d);
    return [d, sec, i];
  });
  let byRegion = null;
  function settlementsOf(sec) {
    if (sec.region == null || !S.region) {
      const all = [];
      for (let i = 0; i < N; i++) all.push(i);
      return all;
    }
    if (!byRegion) {
      byRegion = new Map();
      for (let i = 0; i < N; i++) {
        const r = S.region[i];
        if (r == null) continue;
        let a = byRegion.get(r);
        if (!a) byRegion.set(r, (a = []));
        a.push(i);
      }
    }
    return byRegion.get(sec.region) || [];
  }
  function build(entry) {
    const [d, sec, i] = entry;
    if (built.has(i)) return;
    built.add(i);
    d.innerHTML = planHtml(sec, i);
    const c = d.querySelector("canvas.mini");
    if (c) miniMap(c, sec);
  }
  function planHtml(sec, i) {
    const kk = regionKinds(sec);
    let s = "<h2>" + esc(sec.name) + '</h2><p class="sub">' + int(analysed(sec)) + " settlements analysed · " + esc(D.file) + "</p>";
    s += '<div class="plan-top"><div><h3>Today\'s situation</h3><ul>' + KINDS.map((k) => "<li>" + kindSentence(k.id, kk[k.id]) + "</li>").join("") + "</ul>";
    s += "<p>" + cashSentence(sec.cash, kk.payment) + "</p></div>";
    s += '<figure><canvas class="mini" width="460" height="380"></canvas><figcaption>Grocery: road km to the nearest point (classes as on the overview map; black ring: in a gap); black symbols: service points.</figcaption></figure></div>';
    s += "<h3>People by road distance</h3>" + bandsTable(sec.bands);
    s += "<h3>Figures by kind</h3>" + kindsTable(kk, true);
    // Places.
    s += "<h3>Places and their service</h3>";
    if (sec.places && sec.places.length) {
      const rows = sec.places.map((p) => [esc(p.name)].concat(KINDS.map((k) => tick(p.kinds.indexOf(k.id) >= 0)), [esc(p.level), ""]));
      s += table(["Place"].concat(KINDS.map((k) => esc(k.label)), ["Proposed level", "Level (decided)"]), rows, "places");
      s += '<p class="note">Proposed level from the number of kinds: serviceort (all five), servicenod (grocery and at least two more), servicepunkt (the rest).</p>';
    } else s += "<p>No fixed service point in this region.</p>";
    // Sårbar.
    s += "<h3>Sårbar service</h3>";
    const sent = [];
    const byPlace = new Map();
    for (const o of sec.only_place || []) {
      if (!byPlace.has(o.place)) byPlace.set(o.place, []);
      byPlace.get(o.place).push(KIND[o.kind] ? KIND[o.kind].label.toLowerCase() : o.kind);
    }
    const where = sec.region == null ? "the area" : esc(sec.name);
    for (const [p, ks] of byPlace) sent.push("Only <b>" + esc(sec.places[p].name) + "</b> offers " + esc(ks.join(", ")) + " in " + where + ".");
    const onlyIds = new Set();
    for (const o of sec.only_point || []) {
      onlyIds.add(o.kind + "|" + o.service);
      sent.push("<b>" + esc(P.name[o.service] || P.id[o.service]) + "</b> is the only " + esc(KIND[o.kind] ? KIND[o.kind].label.toLowerCase() : o.kind) + " point.");
    }
    s += sent.length ? "<p>" + sent.join(" ") + "</p>" : "<p>Every kind offered here is offered at more than one place.</p>";
    const vul = (sec.vulnerable || []).filter((v) => v.stranded_population > 0 || onlyIds.has(v.kind + "|" + v.service));
    if (vul.length) {
      const rows = vul.map((v) => {
        const un = v.next_km_mean !== undefined ? "km" : "min";
        return [esc(v.name || v.id), esc(KIND[v.kind] ? KIND[v.kind].label : v.kind), int(v.served_population), int(v.stranded_settlements), int(v.stranded_population),
          v["next_" + un + "_mean"] == null ? "none" : dec(v["next_" + un + "_mean"], 1) + NBSP + un,
          v["next_" + un + "_max"] == null ? "none" : dec(v["next_" + un + "_max"], 1) + NBSP + un, int(v.no_next_settlements)];
      });
      s += "<p>If the point alone closed, these people would fall into a gap:</p>" +
        table(["Point", "Kind", "Served people", "Stranded settlements", "Stranded people", "Next point (mean)", "Next point (max)", "Settlements with no next point"], rows, "num vul");
    } else s += "<p>No single closure would put people into a gap.</p>";
    // Support screening (by default särskilt driftstöd: grocery > 10 km; fuel aid: > 15 km).
    if (sec.screening) {
      s += "<h3>Support screening</h3>";
      for (const kid of Object.keys(sec.screening)) {
        const sc = sec.screening[kid];
        const pts = (sc.points || []).filter((p) => p.beyond);
        const lim = sc.limit;
        const km = lim.unit === "km";
        // The rule's own words only where the limit is the rule's.
        const what = km && kid === "grocery" && lim.value === 10 ? "särskilt driftstöd needs more than "
          : km && kid === "fuel" && lim.value === 15 ? "fuel station aid needs more than " : "the screening limit is ";
        s += "<p>" + esc(KIND[kid] ? KIND[kid].label : kid) + ": " + what + dec(lim.value, Number.isInteger(lim.value) ? 0 : 1) + NBSP +
          (km ? "km by road" : "min by car") + " to the next point of the kind; " +
          (pts.length ? int(pts.length) + " point" + (pts.length === 1 ? " qualifies" : "s qualify") + " on distance:" : "no point qualifies on distance.") + "</p>";
        if (pts.length) {
          s += table(["Point", "Next point", "Road km", "Car min"], pts.map((p) => [esc(p.name || p.id),
            p.next_km == null ? "none reachable" : esc(p.next_name || p.next_id), dec(p.next_km, 1), dec(p.next_min, 0)]), "num screen");
        }
      }
    }
    // New sites.
    s += "<h3>Best new sites</h3>";
    const sg = sec.suggest || {};
    let any = false;
    for (const k of KINDS) {
      const x = sg[k.id];
      if (!x || !x.picks || !x.picks.length) continue;
      any = true;
      s += "<p><b>" + esc(k.label) + "</b> (" + int(x.gap_population) + " people in " + int(x.gap_settlements) + " gap settlements):</p>";
      s += table(["Rank", "Site", "Lat, lon", "Settlements brought within " + thr(k), "People", "Gap settlements", "Gap people"], x.picks.map((p, i) => [int(p.rank), esc(p.name || p.id) + (x.near && x.near[i] ? " <span class=\"near\">near " + esc(x.near[i]) + "</span>" : ""),
        dec(p.lat, 5) + ", " + dec(p.lon, 5), int(p.covered_settlements), int(p.covered_population),
        int(p.gap_settlements_before) + " → " + int(p.gap_settlements_after), int(p.gap_population_before) + " → " + int(p.gap_population_after)]), "num picks");
    }
    if (!any) s += "<p>No gap a new site could close.</p>";
    return s;
  }
  function miniMap(c, sec) {
    const dpr = window.devicePixelRatio || 1;
    const W = 460, H = 380;
    c.width = W * dpr; c.height = H * dpr;
    c.style.width = W + "px"; c.style.height = H + "px";
    const g = c.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = BACKGROUND; g.fillRect(0, 0, W, H);
    const idx = settlementsOf(sec).filter((i) => S.status[i] !== "outside");
    const rings = sec.region != null && D.borders ? D.borders[sec.region].rings : [];
    // The section's points: by their region, or every point for the whole area.
    const pts = [];
    for (let j = 0; j < P.count; j++) {
      if (P.status[j] === "outside") continue;
      if (sec.region == null || !P.region || P.region[j] === sec.region) pts.push(j);
    }
    let w = 180, e = -180, so = 90, n = -90;
    function ext(x, y) { if (x < w) w = x; if (x > e) e = x; if (y < so) so = y; if (y > n) n = y; }
    for (const r of rings) for (let j = 0; j + 1 < r.length; j += 2) ext(r[j], r[j + 1]);
    if (!rings.length) { for (const i of idx) ext(S.lon[i], S.lat[i]); for (const i of pts) ext(P.lon[i], P.lat[i]); }
    if (w > e) return;
    const kx = Math.cos(((so + n) / 2) * Math.PI / 180);
    const sc = Math.min((W - 20) / Math.max(1e-6, (e - w) * kx), (H - 20) / Math.max(1e-6, n - so));
    const ox = (W - (e - w) * kx * sc) / 2, oy = (H - (n - so) * sc) / 2;
    const X = (lon) => ox + (lon - w) * kx * sc, Y = (lat) => H - oy - (lat - so) * sc;
    if (rings.length) {
      g.beginPath();
      for (const r of rings) {
        for (let j = 0; j + 1 < r.length; j += 2) { if (j) g.lineTo(X(r[j]), Y(r[j + 1])); else g.moveTo(X(r[j]), Y(r[j + 1])); }
        g.closePath();
      }
      g.fillStyle = "#fbfaf6"; g.fill("evenodd");
      g.lineWidth = 1.5; g.strokeStyle = "#555"; g.stroke();
    }
    g.lineCap = "round"; g.lineJoin = "round";
    for (const rg of D.roads || []) {
      if (rg.name === "minor") continue;
      const st = ROAD_STYLE[rg.name] || [0.8, "#c9c9c9"];
      g.beginPath();
      for (const l of rg.lines) {
        let inside = false;
        for (let j = 0; j + 1 < l.length; j += 2) if (l[j] >= w && l[j] <= e && l[j + 1] >= so && l[j + 1] <= n) { inside = true; break; }
        if (!inside) continue;
        for (let j = 0; j + 1 < l.length; j += 2) { if (j) g.lineTo(X(l[j]), Y(l[j + 1])); else g.moveTo(X(l[j]), Y(l[j + 1])); }
      }
      g.lineWidth = st[0] * 0.6; g.strokeStyle = st[1]; g.stroke();
    }
    const rad = idx.length > 2000 ? 1.5 : idx.length > 300 ? 2.5 : 4;
    for (const i of idx) {
      const cl = classOf(i, "grocery", "km");
      g.beginPath();
      g.arc(X(S.lon[i]), Y(S.lat[i]), rad, 0, 2 * Math.PI);
      g.fillStyle = cl >= 0 ? PALETTE[cl] : cl === -1 ? NO_VALUE : NO_ROAD;
      g.fill();
      if (S.gap.grocery[i] && rad > 2) { g.lineWidth = 1.5; g.strokeStyle = "#000"; g.stroke(); }
    }
    for (const i of pts) drawSymbol(g, SYMBOL[P.kinds[i].indexOf("grocery") >= 0 ? "grocery" : P.kinds[i][0]], X(P.lon[i]), Y(P.lat[i]), 6, P.mobile[i], true);
  }
  function buildAll() { for (const e of holders) build(e); }
  if (state.print) buildAll();
  else if ("IntersectionObserver" in window) {
    const io = new IntersectionObserver((ents) => {
      for (const en of ents) if (en.isIntersecting) {
        const e = holders.find((x) => x[0] === en.target);
        if (e) { build(e); io.unobserve(en.target); }
      }
    }, { rootMargin: "800px" });
    for (const e of holders) io.observe(e[0]);
  } else buildAll();
  window.addEventListener("beforeprint", buildAll);
  if (window.matchMedia) {
    const mq = window.matchMedia("print");
    if (mq.addEventListener) mq.addEventListener("change", (ev) => { if (ev.matches) buildAll(); });
  }

  window.addEventListener("hashchange", () => { readHash(); refresh(); });
  refresh();
  const charts = document.getElementById("charts");
  for (const k of KINDS) {
    const el = h("div", { class: "chart" });
    charts.appendChild(el);
    barChart(el, D.bands, k);
  }
  phase("charts");
  // Ready once the map and the charts are drawn.
  loaded = true;
  markReady();
})();
