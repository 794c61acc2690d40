/*
 * sozialplan maps: Gemeinde boundaries and offer points with Leaflet, no tile
 * server by default (strict CSP: this file reads data-* attributes only).
 *
 * Usage: put Leaflet's CSS/JS and this file on the page and mark a container
 *
 *   <div class="sp-map" data-sp-map role="region" aria-label="Karte …"
 *        data-boundaries-url="/karte/gemeinden.geojson?kreis=hildburghausen"
 *        data-points-url="/karte/angebote.geojson?q=beratung"   (or)
 *        data-points-json="id-of-a-script-type-application/json"
 *        data-fit="boundaries|points"   (default: boundaries if any)
 *        data-max-zoom="13"             (optional, caps the initial zoom)
 *        data-tile-url="https://…/{z}/{x}/{y}.png" data-tile-attribution="…"></div>
 *
 * Every [data-sp-map] is initialised on page load and when htmx inserts one,
 * unless it also has data-sp-map-manual: then (e.g. in the planner workspace,
 * for a choropleth) call it yourself with options:
 *
 *   var handle = window.sozialplanMap.init(element, {
 *     boundaryStyle: function (feature) { return {fillColor: "#…", fillOpacity: .6}; },
 *     onBoundary: function (feature, layer) { … },   // after the tooltip is bound
 *     boundaryTooltip: function (feature) { return "text"; }
 *   });
 *   handle.ready.then(function (h) { h.map; h.boundaries; h.points; });
 *
 * Boundaries: a GeoJSON FeatureCollection whose features have properties.name
 * (tooltip). Points: Point features with properties.name, .url, .place and
 * .approximate (true = position is the Gemeinde centre: drawn as a dashed
 * circle instead of a pin). Markers are reachable with Tab and open their
 * popup with Enter; the map itself is supplementary to the list.
 */
(function () {
  "use strict";

  var BKG = "Gemeindegrenzen © GeoBasis-DE / BKG 2021 (Daten verändert)";

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status + " für " + url); }
        return response.json();
      });
  }

  function readIsland(id) {
    var node = id && document.getElementById(id);
    if (!node) { return Promise.resolve(null); }
    try { return Promise.resolve(JSON.parse(node.textContent)); } catch (e) { return Promise.reject(e); }
  }

  function popupContent(props) {
    var box = document.createElement("div");
    var title = document.createElement("a");
    title.className = "kern-link";
    title.href = props.url || "#";
    title.textContent = props.name || "";
    box.appendChild(title);
    var lines = [];
    if (props.site && props.site !== props.name) { lines.push(props.site); }
    if (props.place) { lines.push(props.place); }
    if (props.approximate) { lines.push("Lage ungefähr (Ortsmitte)"); }
    lines.forEach(function (text) {
      var p = document.createElement("p");
      p.className = "sp-map-popup__line";
      p.textContent = text;
      box.appendChild(p);
    });
    return box;
  }

  function pointLayer(collection) {
    var approxIcon = L.divIcon({ className: "sp-marker sp-marker--approx", iconSize: [20, 20] });
    return L.geoJSON(collection, {
      pointToLayer: function (feature, latlng) {
        var props = feature.properties || {};
        var label = (props.name || "") + (props.approximate ? " (Lage ungefähr)" : "");
        var options = { title: label, alt: label, riseOnHover: true };
        if (props.approximate) { options.icon = approxIcon; }
        var marker = L.marker(latlng, options);
        marker.on("add", function () {
          var el = marker.getElement();
          if (el) { el.setAttribute("aria-label", label); }
        });
        marker.bindPopup(function () { return popupContent(props); });
        return marker;
      }
    });
  }

  // Leaflet inserts string tooltips as HTML; data (Gemeinde or Planungsraum
  // names typed by users) must never become markup, so pass a text node.
  function plainText(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function boundaryLayer(collection, options) {
    var base = { color: "#2044aa", weight: 1.2, opacity: 0.9, fillColor: "#2044aa", fillOpacity: 0.06 };
    return L.geoJSON(collection, {
      attribution: BKG,
      style: function (feature) {
        var extra = options.boundaryStyle ? options.boundaryStyle(feature) : null;
        return L.extend({}, base, extra || {});
      },
      onEachFeature: function (feature, layer) {
        var text = options.boundaryTooltip ? options.boundaryTooltip(feature) : (feature.properties || {}).name;
        if (text) { layer.bindTooltip(plainText(String(text)), { sticky: true }); }
        if (options.onBoundary) { options.onBoundary(feature, layer); }
      }
    });
  }

  function germanControls(map) {
    map.on("popupopen", function (event) {
      var close = event.popup.getElement() && event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) { close.setAttribute("aria-label", "Schließen"); close.setAttribute("title", "Schließen"); }
    });
  }

  function init(element, options) {
    options = options || {};
    if (element._sozialplanMap) { return element._sozialplanMap; }
    var data = element.dataset;
    var map = L.map(element, { zoomControl: false, attributionControl: false, zoomSnap: 0.25, scrollWheelZoom: false });
    L.control.zoom({ zoomInTitle: "Vergrößern", zoomOutTitle: "Verkleinern" }).addTo(map);
    L.control.attribution({ prefix: '<a href="https://leafletjs.com">Leaflet</a>' }).addTo(map);
    germanControls(map);
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: data.tileAttribution || "", maxZoom: 18 }).addTo(map);
    }
    map.setView([51.0, 10.5], 6);  // Germany until the data is there
    var handle = { map: map, boundaries: null, points: null, ready: null };
    element._sozialplanMap = handle;

    var boundaries = data.boundariesUrl ? fetchJson(data.boundariesUrl) : Promise.resolve(null);
    var points = data.pointsUrl ? fetchJson(data.pointsUrl) : readIsland(data.pointsJson);
    handle.ready = Promise.all([boundaries, points]).then(function (results) {
      if (results[0]) { handle.boundaries = boundaryLayer(results[0], options).addTo(map); }
      if (results[1]) { handle.points = pointLayer(results[1]).addTo(map); }
      fit(handle, data);
      element.setAttribute("data-sp-map-ready", "true");
      return handle;
    }).catch(function (error) {
      element.setAttribute("data-sp-map-error", String(error));
      if (window.console) { window.console.warn("sozialplan map:", error); }
      return handle;
    });
    return handle;
  }

  function fit(handle, data) {
    var maxZoom = data.maxZoom ? Number(data.maxZoom) : 14;
    var layers = data.fit === "points" ? [handle.points, handle.boundaries] : [handle.boundaries, handle.points];
    for (var i = 0; i < layers.length; i++) {
      var bounds = layers[i] && layers[i].getBounds();
      if (bounds && bounds.isValid()) {
        handle.map.fitBounds(bounds, { padding: [12, 12], maxZoom: maxZoom });
        return;
      }
    }
  }

  function initAll(root) {
    var scope = root || document;
    var nodes = [];
    if (scope.matches && scope.matches("[data-sp-map]")) { nodes.push(scope); }
    Array.prototype.push.apply(nodes, scope.querySelectorAll ? scope.querySelectorAll("[data-sp-map]") : []);
    nodes.forEach(function (node) {
      if (!node._sozialplanMap && !node.hasAttribute("data-sp-map-manual")) { init(node); }
    });
  }

  window.sozialplanMap = { init: init, initAll: initAll };

  if (typeof L === "undefined") { return; }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  } else {
    initAll(document);
  }
  document.addEventListener("htmx:load", function (event) { initAll(event.detail && event.detail.elt); });
}());
