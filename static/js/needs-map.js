/*
 * Bedarfsanalyse maps (templates needs/field.html and needs/gap_detail.html).
 *
 * Every .needs-map[data-url] loads one GeoJSON FeatureCollection whose features
 * say their layer in properties.layer:
 *   "area"   Gemeinde polygon, filled with properties.colour (share of the Zielgruppe
 *            within the first threshold); properties.gap: outlined thick in red
 *            (properties.outline), a click opens the gap (properties.url);
 *   "demand" demand point (grid cell or Gemeinde centre), a circle coloured by the
 *            time to the nearest offer (properties.colour);
 *   "offer"  site of a matching offer: a dark square, a dashed circle when the
 *            position is only the Gemeinde centre (properties.approximate); markers
 *            are reachable with Tab and open a popup with a link to the offer.
 * properties.tooltip is German text from the server; it is inserted as text, never
 * as markup. No tile layer unless data-tile-url is set (settings.MAP_TILE_URL).
 * German labels come from data-label-* attributes (zoom, close, approximate position,
 * the message shown when the map data cannot be loaded).
 * CSP: no inline script or style; Leaflet styles its SVG through the DOM. The same
 * numbers are always in a table on the page: the map is an extra view.
 */
(function () {
  "use strict";

  var INK = "#1f1f1f";
  var GAP = "#b2182b";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

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

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
  }

  function collection(features) { return { type: "FeatureCollection", features: features }; }

  function areaStyle(feature) {
    var p = feature.properties || {};
    if (p.gap) {
      return { fillColor: p.colour || "#ffffff", fillOpacity: 0.85, color: p.outline || GAP, weight: 4, opacity: 1 };
    }
    return { fillColor: p.colour || "#ffffff", fillOpacity: 0.85, color: INK, weight: 1, opacity: 1 };
  }

  function areaLayer(features) {
    return L.geoJSON(collection(features), {
      style: areaStyle,
      onEachFeature: function (feature, layer) {
        var p = feature.properties || {};
        if (p.tooltip) { layer.bindTooltip(plainText(p.tooltip), { sticky: true }); }
        if (p.gap && p.url) { layer.on("click", function () { window.location.assign(p.url); }); }
      }
    });
  }

  function demandLayer(features) {
    return L.geoJSON(collection(features), {
      pointToLayer: function (feature, latlng) {
        var p = feature.properties || {};
        return L.circleMarker(latlng, { radius: 5, fillColor: p.colour || "#ffffff", fillOpacity: 1, color: INK, weight: 1, opacity: 1 });
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties || {};
        if (p.tooltip) { layer.bindTooltip(plainText(p.tooltip)); }
      }
    });
  }

  function popup(p, approximateLabel) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.className = "kern-link";
    link.href = p.url || "#";
    link.textContent = p.name || "";
    box.appendChild(link);
    [p.offer_type, p.site !== p.name ? p.site : "", p.approximate ? approximateLabel : ""].forEach(function (text) {
      if (!text) { return; }
      var line = document.createElement("p");
      line.className = "sp-map-popup__line";
      line.textContent = text;
      box.appendChild(line);
    });
    return box;
  }

  function offerLayer(features, approximateLabel) {
    return L.geoJSON(collection(features), {
      pointToLayer: function (feature, latlng) {
        var p = feature.properties || {};
        var icon = L.divIcon({ className: "needs-offer" + (p.approximate ? " needs-offer--approx" : ""), iconSize: [14, 14] });
        var marker = L.marker(latlng, { icon: icon, title: p.tooltip || p.name || "", keyboard: true, riseOnHover: true });
        marker.on("add", function () {
          var el = marker.getElement();
          if (el) { el.setAttribute("aria-label", p.tooltip || p.name || ""); }
        });
        marker.bindPopup(function () { return popup(p, approximateLabel); });
        return marker;
      }
    });
  }

  function germanClose(map, label) {
    map.on("popupopen", function (event) {
      var close = event.popup.getElement() && event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) { close.setAttribute("aria-label", label); close.setAttribute("title", label); }
    });
  }

  function init(el) {
    if (typeof L === "undefined" || el._needsMap) { return; }
    var data = el.dataset;
    var map = L.map(el, { zoomControl: false, attributionControl: false, zoomSnap: 0.25, scrollWheelZoom: false });
    el._needsMap = map;
    L.control.zoom({ zoomInTitle: data.labelZoomIn || "Vergrößern", zoomOutTitle: data.labelZoomOut || "Verkleinern" }).addTo(map);
    var attribution = L.control.attribution({ prefix: '<a href="https://leafletjs.com">Leaflet</a>' }).addTo(map);
    germanClose(map, data.labelClose || "Schließen");
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: escapeHtml(data.tileAttribution || ""), maxZoom: 18 }).addTo(map);
    }
    map.setView([51.0, 10.5], 6);
    fetchJson(data.url).then(function (result) {
      var groups = { area: [], demand: [], offer: [] };
      (result.features || []).forEach(function (feature) {
        var layer = (feature.properties || {}).layer;
        if (groups[layer]) { groups[layer].push(feature); }
      });
      (result.attribution || []).forEach(function (text) { attribution.addAttribution(escapeHtml(text)); });
      var areas = areaLayer(groups.area).addTo(map);
      areas.eachLayer(function (layer) { if (layer.feature.properties.gap) { layer.bringToFront(); } });
      var demand = demandLayer(groups.demand).addTo(map);
      var offers = offerLayer(groups.offer, data.labelApproximate || "Lage ungefähr (Ortsmitte)").addTo(map);
      var bounds = areas.getBounds();
      if (data.fit === "area" && offers.getLayers().length) { bounds.extend(offers.getBounds()); }
      if (!bounds.isValid()) { bounds = demand.getBounds(); }
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [12, 12], maxZoom: 13 }); }
      el.setAttribute("data-needs-map-ready", "true");
    }).catch(function (error) {
      el.setAttribute("data-needs-map-error", String(error));
      // Say so next to the map (as text); the same numbers are in the table on the page.
      var message = document.createElement("p");
      message.className = "ind-note needs-map__error";
      message.setAttribute("role", "status");
      message.textContent = data.labelError || "Die Karte konnte nicht geladen werden.";
      el.parentNode.insertBefore(message, el.nextSibling);
      if (window.console) { window.console.warn("needs map:", error); }
    });
  }

  ready(function () {
    document.querySelectorAll(".needs-map[data-url]").forEach(init);
  });
}());
