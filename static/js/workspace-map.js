/*
 * Workspace maps (planner area): the district's Gemeinden on their real boundaries.
 *
 * Reads its configuration from data-* attributes of #ws-map (CSP: no inline script):
 *   data-geojson-url   GeoJSON of the Gemeinden (workspace:map_data)
 *   data-mode          "offers"  choropleth of published offers per Gemeinde
 *                      "areas"   colour by Planungsraum
 *                      "select"  highlight the Gemeinden ticked in the form data-select-form
 *                                (checkboxes named data-select-name); a click toggles a Gemeinde
 *   data-tile-url      optional tile layer (settings.MAP_TILE_URL); no tiles by default
 *   data-label-*       German texts for tooltips and the legend
 * The same numbers and names are always in a table or form on the page: the map is
 * an extra view, never the only one.
 */
(function () {
  "use strict";

  // Sequential blues (ColorBrewer "Blues", 5 classes) and a light grey for zero.
  var OFFER_COLOURS = ["#f0f0f0", "#bdd7e7", "#6baed6", "#3182bd", "#08519c", "#08306b"];
  // Categorical colours for Planungsräume (ColorBrewer "Set2" + "Dark2", distinguishable).
  var AREA_COLOURS = ["#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854", "#ffd92f", "#e5c494", "#1b9e77",
    "#d95f02", "#7570b3", "#e7298a", "#66a61e"];
  var NONE_COLOUR = "#f0f0f0";
  var SELECTED_COLOUR = "#08519c";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  // Class limits from the largest count: 0 | 1..a | a+1..b | … so that the classes grow with the data.
  function offerBreaks(max) {
    if (max <= 5) { return [1, 2, 3, 4, 5]; }
    var step = max / 5;
    return [1, Math.ceil(step), Math.ceil(2 * step), Math.ceil(3 * step), Math.ceil(4 * step)];
  }

  function offerClass(count, breaks) {
    if (!count) { return 0; }
    for (var i = breaks.length - 1; i >= 0; i--) { if (count >= breaks[i]) { return i + 1; } }
    return 1;
  }

  function text(tag, content, className) {
    var node = document.createElement(tag);
    node.textContent = content;
    if (className) { node.className = className; }
    return node;
  }

  function swatch(colourIndex, kind) {
    var node = document.createElement("span");
    node.className = "ws-swatch ws-swatch--" + kind + "-" + colourIndex;
    node.setAttribute("aria-hidden", "true");
    return node;
  }

  function legend(map, title, entries) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "ws-legend");
      box.appendChild(text("p", title, "ws-legend__title"));
      var list = document.createElement("ul");
      list.className = "ws-legend__list";
      entries.forEach(function (entry) {
        var item = document.createElement("li");
        item.appendChild(swatch(entry.index, entry.kind));
        item.appendChild(document.createTextNode(" " + entry.label));
        list.appendChild(item);
      });
      box.appendChild(list);
      return box;
    };
    control.addTo(map);
  }

  // Leaflet inserts string tooltips and attributions as HTML; names typed by
  // users (Planungsräume) must stay text.
  function plainText(value) {
    var span = document.createElement("span");
    span.textContent = String(value);
    return span;
  }

  function escapeHtml(value) {
    var div = document.createElement("div");
    div.textContent = String(value);
    return div.innerHTML;
  }

  function tooltipText(props, el) {
    var parts = [props.name + ": " + props.offers + " " + el.dataset.labelOffers];
    if (props.areas && props.areas.length) {
      parts.push(el.dataset.labelAreas + ": " + props.areas.map(function (a) { return a.name; }).join(", "));
    }
    return parts.join(" – ");
  }

  function drawOffers(map, el, data) {
    var max = 0;
    data.features.forEach(function (f) { max = Math.max(max, f.properties.offers || 0); });
    var breaks = offerBreaks(max);
    var layer = L.geoJSON(data, {
      style: function (f) {
        return { color: "#4d4d4d", weight: 1, fillOpacity: 0.85, fillColor: OFFER_COLOURS[offerClass(f.properties.offers, breaks)] };
      },
      onEachFeature: function (f, shape) {
        shape.bindTooltip(plainText(tooltipText(f.properties, el)), { sticky: true });
        shape.on("click", function () { window.location.href = f.properties.url; });
      }
    }).addTo(map);
    var entries = [{ index: 0, kind: "offers", label: "0 (" + el.dataset.labelNone + ")" }];
    for (var i = 0; i < breaks.length; i++) {
      var low = breaks[i];
      var high = i + 1 < breaks.length ? breaks[i + 1] - 1 : null;
      if (i + 1 < breaks.length && high < low) { continue; }
      var label = high === null ? (low + "+") : (low === high ? String(low) : low + "–" + high);
      if (low > max && i > 0) { break; }
      entries.push({ index: i + 1, kind: "offers", label: label });
    }
    legend(map, el.dataset.labelLegend, entries);
    return layer;
  }

  function drawAreas(map, el, data) {
    var areas = [];
    data.features.forEach(function (f) {
      (f.properties.areas || []).forEach(function (a) {
        if (!areas.some(function (known) { return known.id === a.id; })) { areas.push(a); }
      });
    });
    areas.sort(function (a, b) { return a.name.localeCompare(b.name, "de"); });
    var colourOf = {};
    areas.forEach(function (a, i) { colourOf[a.id] = i % AREA_COLOURS.length; });
    var layer = L.geoJSON(data, {
      style: function (f) {
        var first = (f.properties.areas || [])[0];
        return {
          color: "#4d4d4d", weight: 1, fillOpacity: 0.8,
          fillColor: first ? AREA_COLOURS[colourOf[first.id]] : NONE_COLOUR
        };
      },
      onEachFeature: function (f, shape) { shape.bindTooltip(plainText(tooltipText(f.properties, el)), { sticky: true }); }
    }).addTo(map);
    var entries = areas.map(function (a) { return { index: colourOf[a.id], kind: "area", label: a.name }; });
    entries.push({ index: "none", kind: "area", label: el.dataset.labelNone });
    legend(map, el.dataset.labelLegend, entries);
    return layer;
  }

  function drawSelection(map, el, data) {
    var form = document.getElementById(el.dataset.selectForm);
    var name = el.dataset.selectName;
    function box(id) {
      return form ? form.querySelector("input[type=checkbox][name='" + name + "'][value='" + id + "']") : null;
    }
    function styleFor(f) {
      var input = box(f.properties.id);
      var chosen = input && input.checked;
      return { color: "#4d4d4d", weight: chosen ? 2 : 1, fillOpacity: chosen ? 0.75 : 0.3,
        fillColor: chosen ? SELECTED_COLOUR : NONE_COLOUR };
    }
    var layer = L.geoJSON(data, {
      style: styleFor,
      onEachFeature: function (f, shape) {
        shape.bindTooltip(plainText(f.properties.name), { sticky: true });
        shape.on("click", function () {
          var input = box(f.properties.id);
          if (input) {
            input.checked = !input.checked;
            input.dispatchEvent(new Event("change", { bubbles: true }));
          }
        });
      }
    }).addTo(map);
    if (form) { form.addEventListener("change", function () { layer.setStyle(styleFor); }); }
    legend(map, el.dataset.labelLegend, [
      { index: "selected", kind: "select", label: el.dataset.labelSelected },
      { index: "none", kind: "select", label: el.dataset.labelNone }
    ]);
    return layer;
  }

  ready(function () {
    var el = document.getElementById("ws-map");
    if (!el || typeof L === "undefined") { return; }
    var map = L.map(el, { scrollWheelZoom: false, zoomSnap: 0.25 });
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { maxZoom: 18, attribution: el.dataset.tileAttribution || "" }).addTo(map);
    }
    fetch(el.dataset.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        var mode = el.dataset.mode;
        var layer = mode === "areas" ? drawAreas(map, el, data)
          : mode === "select" ? drawSelection(map, el, data) : drawOffers(map, el, data);
        (data.attribution || []).forEach(function (source) { map.attributionControl.addAttribution(escapeHtml(source)); });
        var bounds = layer.getBounds();
        if (bounds.isValid()) { map.fitBounds(bounds, { padding: [8, 8] }); }
      })
      .catch(function () {
        el.appendChild(text("p", "Die Karte konnte nicht geladen werden.", "ws-map-error"));
      });
  });
})();
