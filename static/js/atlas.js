/*
 * Indicator atlas: links the map, the bar chart and the table of one indicator.
 *
 * Works on the server-rendered page (templates indicators/atlas.html); without
 * JavaScript the table and the SVG chart are complete. This file adds:
 *   - the choropleth in #ind-map (window.sozialplanMap.init, data-boundaries-url =
 *     the atlas GeoJSON with properties key, name, text, class, colour, notes);
 *     areas without a value are hatched and outlined dashed ("keine Angabe");
 *   - a toggle button per table row ("markieren"): pressing it, clicking a map
 *     area or a bar selects that area everywhere (row, map outline, bar) and
 *     announces it in #ind-live; hovering or focusing a row previews it;
 *   - sort buttons in the table headers marked data-sort (aria-sort is kept current).
 * No inline styles or scripts (CSP): Leaflet styles its own SVG through the DOM.
 */
(function () {
  "use strict";

  var INK = "#1f1f1f";
  var CASING = "#ffffff";
  var HATCH_ID = "ind-hatch";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function cssEscape(value) {
    return window.CSS && CSS.escape ? CSS.escape(value) : String(value).replace(/["\\]/g, "\\$&");
  }

  var state = { selected: null, preview: null, layers: {}, map: null };

  function rowOf(key) { return document.querySelector('.ind-row[data-key="' + cssEscape(key) + '"]'); }
  function barsOf(key) { return document.querySelectorAll('.ind-bar[data-key="' + cssEscape(key) + '"]'); }

  function baseStyle(feature) {
    var props = feature.properties || {};
    if (props.colour) {
      return { fillColor: props.colour, fillOpacity: 1, color: INK, weight: 1, opacity: 1, dashArray: null };
    }
    return { fillColor: "url(#" + HATCH_ID + ")", fillOpacity: 1, color: INK, weight: 1, opacity: 1, dashArray: "4 3" };
  }

  function emphasis(key) {
    if (key === state.selected) { return { weight: 5, color: "#000000", dashArray: null }; }
    if (key === state.preview) { return { weight: 3.5, color: "#000000", dashArray: null }; }
    return null;
  }

  function restyle(key) {
    var layer = state.layers[key];
    if (!layer) { return; }
    var style = baseStyle(layer.feature);
    var extra = emphasis(key);
    if (extra) {
      Object.keys(extra).forEach(function (name) { style[name] = extra[name]; });
      layer.setStyle(style);
      layer.bringToFront();
    } else {
      layer.setStyle(style);
    }
  }

  function mark(key, className, on) {
    if (!key) { return; }
    var row = rowOf(key);
    if (row) { row.classList.toggle(className, on); }
    Array.prototype.forEach.call(barsOf(key), function (bar) { bar.classList.toggle(className, on); });
  }

  function setPreview(key) {
    var old = state.preview;
    if (old === key) { return; }
    state.preview = key;
    mark(old, "is-preview", false);
    mark(key, "is-preview", true);
    restyle(old);
    restyle(key);
  }

  function announce(key) {
    var live = document.getElementById("ind-live");
    var row = key && rowOf(key);
    var el = document.getElementById("ind-map");
    if (!live) { return; }
    live.textContent = row ? ((el && el.dataset.labelSelected) || "Ausgewählt:") + " " + row.dataset.name + ", " + row.dataset.text : "";
  }

  function select(key, origin) {
    var old = state.selected;
    if (old === key) { key = null; }  // a second click releases the selection
    state.selected = key;
    mark(old, "is-selected", false);
    mark(key, "is-selected", true);
    document.querySelectorAll(".ind-pick").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.key === key));
    });
    restyle(old);
    restyle(key);
    announce(key);
    if (key && origin === "map") {
      var row = rowOf(key);
      if (row) { row.scrollIntoView({ block: "nearest" }); }
    }
  }

  function addHatch(map) {
    var svg = map.getPanes().overlayPane.querySelector("svg");
    if (!svg || document.getElementById(HATCH_ID)) { return; }
    var ns = "http://www.w3.org/2000/svg";
    var defs = document.createElementNS(ns, "defs");
    var pattern = document.createElementNS(ns, "pattern");
    pattern.setAttribute("id", HATCH_ID);
    pattern.setAttribute("patternUnits", "userSpaceOnUse");
    pattern.setAttribute("width", "8");
    pattern.setAttribute("height", "8");
    pattern.setAttribute("patternTransform", "rotate(45)");
    var back = document.createElementNS(ns, "rect");
    back.setAttribute("width", "8");
    back.setAttribute("height", "8");
    back.setAttribute("fill", "#ffffff");
    var line = document.createElementNS(ns, "line");
    line.setAttribute("x1", "0");
    line.setAttribute("y1", "0");
    line.setAttribute("x2", "0");
    line.setAttribute("y2", "8");
    line.setAttribute("stroke", "#767676");
    line.setAttribute("stroke-width", "3");
    pattern.appendChild(back);
    pattern.appendChild(line);
    defs.appendChild(pattern);
    svg.insertBefore(defs, svg.firstChild);
  }

  function tooltip(feature, el) {
    var props = feature.properties || {};
    var parts = [props.name + ": " + (props.colour ? props.text : (props.text && props.text !== "–" ? props.text : el.dataset.labelMissing))];
    if (props.estimate) { parts.push(el.dataset.labelEstimate); }
    if (props.flag && props.flag_meaning) { parts.push("„" + props.flag + "“ " + props.flag_meaning); }
    return parts.join(" – ");
  }

  // A white casing under every boundary line: the dark line contrasts with light
  // classes, the white casing with dark ones (WCAG 1.4.11, 3:1 for graphics).
  function addCasing(map, boundaries) {
    var data = boundaries.toGeoJSON();
    L.geoJSON(data, { interactive: false, style: { color: CASING, weight: 3.5, fill: false, opacity: 1 } }).addTo(map);
    var lines = L.geoJSON(data, { interactive: false, style: function (f) { var s = baseStyle(f); return { color: INK, weight: 1, fill: false, opacity: 1, dashArray: s.dashArray }; } });
    lines.addTo(map);
  }

  function initMap() {
    var el = document.getElementById("ind-map");
    if (!el || typeof L === "undefined" || !window.sozialplanMap) { return; }
    var handle = window.sozialplanMap.init(el, {
      boundaryStyle: baseStyle,
      boundaryTooltip: function (feature) { return tooltip(feature, el); },
      onBoundary: function (feature, layer) {
        var key = feature.properties && feature.properties.key;
        if (!key) { return; }
        state.layers[key] = layer;
        layer.on("click", function () { select(key, "map"); });
        layer.on("mouseover", function () { setPreview(key); });
        layer.on("mouseout", function () { setPreview(null); });
      }
    });
    handle.ready.then(function (h) {
      state.map = h.map;
      if (!h.boundaries) { return; }
      addHatch(h.map);
      addCasing(h.map, h.boundaries);
      Object.keys(state.layers).forEach(restyle);
      el.setAttribute("data-ind-map-ready", "true");
    });
  }

  function initRows() {
    var live = document.getElementById("ind-live");
    var table = document.getElementById("ind-atlas-table");
    var pickLabel = (table && table.dataset.labelPick) || "In Karte und Diagramm markieren:";
    document.querySelectorAll(".ind-row").forEach(function (row) {
      var key = row.dataset.key;
      var header = row.querySelector("th");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "ind-pick";
      button.dataset.key = key;
      button.setAttribute("aria-pressed", "false");
      var label = document.createElement("span");
      label.className = "sp-visually-hidden";
      label.textContent = pickLabel + " " + row.dataset.name;
      button.appendChild(label);
      button.addEventListener("click", function () { select(key, "table"); });
      if (header) { header.appendChild(button); }
      row.addEventListener("mouseenter", function () { setPreview(key); });
      row.addEventListener("mouseleave", function () { setPreview(null); });
      row.addEventListener("focusin", function () { setPreview(key); });
      row.addEventListener("focusout", function () { setPreview(null); });
    });
    if (live) { live.textContent = ""; }
    document.querySelectorAll(".ind-bar[data-key]").forEach(function (bar) {
      var key = bar.getAttribute("data-key");
      bar.addEventListener("click", function () { select(key, "chart"); });
      bar.addEventListener("mouseenter", function () { setPreview(key); });
      bar.addEventListener("mouseleave", function () { setPreview(null); });
    });
  }

  function sortValue(row, index, type) {
    var cell = row.cells[index];
    var raw = cell ? (cell.getAttribute("data-sort-value") || "") : "";
    if (type === "number") { return raw === "" ? null : Number(raw); }
    return raw || (cell ? cell.textContent.trim() : "");
  }

  function initSort() {
    var table = document.querySelector("table[data-sortable]");
    if (!table) { return; }
    var headers = table.querySelectorAll("thead th[data-sort]");
    var body = table.tBodies[0];
    headers.forEach(function (th) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "ind-sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      var icon = document.createElement("span");
      icon.className = "ind-sort__icon";
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = " ↕";
      button.appendChild(icon);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var index = Array.prototype.indexOf.call(th.parentNode.children, th);
        var type = th.dataset.sort;
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = sortValue(a, index, type);
          var y = sortValue(b, index, type);
          if (x === null && y === null) { return 0; }
          if (x === null) { return 1; }  // missing values always last
          if (y === null) { return -1; }
          var order = type === "number" ? x - y : String(x).localeCompare(String(y), "de");
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        headers.forEach(function (other) {
          other.removeAttribute("aria-sort");
          var otherIcon = other.querySelector(".ind-sort__icon");
          if (otherIcon) { otherIcon.textContent = " ↕"; }
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        icon.textContent = ascending ? " ▲" : " ▼";
      });
    });
  }

  // Another indicator may not have the chosen Stichtag: fall back to the newest.
  function initForm() {
    var indicator = document.getElementById("id_indikator");
    var day = document.getElementById("id_stichtag");
    if (indicator && day) {
      indicator.addEventListener("change", function () { day.value = ""; });
    }
  }

  ready(function () {
    initForm();
    initRows();
    initSort();
    initMap();
  });
})();
