/*
 * Vigie maps: incidents on Mali's boundaries, drawn with Leaflet and no tile layer (no internet at run time).
 *
 * Markup (the server translates every label; English defaults below are only a fallback):
 *
 *   <div class="vigie-map"
 *        data-geojson-url="/static/geo/mali_admin1.geojson"       regions (required)
 *        data-outline-url="/static/geo/mali_admin0.geojson"       country outline (optional)
 *        data-context-url="/static/geo/mali_neighbours.geojson"   neighbouring countries, in grey (optional)
 *        data-points='[...]'  or  data-points-id="id-of-a-json_script"  or  data-points-url="/.../points.json"
 *        data-label="Map of incidents"  data-legend-title="How precisely the place is known"
 *        data-label-exact="..." data-label-near="..." data-label-admin3="..." data-label-admin2="..."
 *        data-label-admin1="..." data-label-country="..." data-label-unknown="..."
 *        data-label-open="Open the incident" data-label-not-shown="{n} located only to the country (not shown)"
 *        data-attribution="Boundaries: Natural Earth">
 *   </div>
 *
 * Points: [{"id": 12, "lat": 14.35, "lon": -3.61, "precision": "near", "label": "Ogossagou", "url": "/incidents/12/"}]
 * precision is vigie.places.choices.GeoPrecision: exact, near, admin3 (commune), admin2 (cercle),
 * admin1 (region), country; empty when not recorded. The less precise the place, the larger and fainter
 * the circle; a region-level incident also tints its region; a country-level one is not placed at all
 * (its coordinates would only be the capital's) and the legend counts it instead.
 */
(function () {
  "use strict";

  var COLOUR = "#b3261e";
  // Drawn from the least precise up, so exact dots stay on top.
  var PRECISIONS = ["admin1", "unknown", "admin2", "admin3", "near", "exact"];
  var STYLES = {
    exact: { radius: 4, weight: 1, color: "#fff", opacity: 1, fillColor: COLOUR, fillOpacity: 1 },
    near: { radius: 7, weight: 2, color: COLOUR, opacity: 0.9, fillColor: COLOUR, fillOpacity: 0.3 },
    admin3: { radius: 11, weight: 1.5, color: COLOUR, opacity: 0.8, dashArray: "4 3", fillColor: COLOUR, fillOpacity: 0.12 },
    admin2: { radius: 17, weight: 1.5, color: COLOUR, opacity: 0.6, dashArray: "2 4", fillColor: COLOUR, fillOpacity: 0.07 },
    admin1: { radius: 26, weight: 1, color: COLOUR, opacity: 0.45, dashArray: "1 4", fillColor: COLOUR, fillOpacity: 0.04 },
    unknown: { radius: 10, weight: 1.5, color: "#555", opacity: 0.8, dashArray: "1 3", fillColor: "#555", fillOpacity: 0.12 }
  };
  var REGION_HIGHLIGHT = { fillColor: COLOUR, fillOpacity: 0.14 };
  var LABELS = {
    legendTitle: "How precisely the place is known",
    exact: "Exact location",
    near: "Near a locality (within about 25 km)",
    admin3: "Somewhere in the commune",
    admin2: "Somewhere in the cercle",
    admin1: "Somewhere in the region",
    unknown: "Precision not recorded",
    country: "Only the country is known",
    open: "Open",
    notShown: "{n} located only to the country (not shown)",
    attribution: "Boundaries: Natural Earth"
  };
  var ATTRIBUTES = {
    legendTitle: "legendTitle", exact: "labelExact", near: "labelNear", admin3: "labelAdmin3", admin2: "labelAdmin2",
    admin1: "labelAdmin1", unknown: "labelUnknown", country: "labelCountry", open: "labelOpen",
    notShown: "labelNotShown", attribution: "attribution"
  };

  function labelsFor(element) {
    var labels = {};
    Object.keys(LABELS).forEach(function (key) {
      var value = element.dataset[ATTRIBUTES[key]];
      labels[key] = value ? value : LABELS[key];
    });
    return labels;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.json();
    });
  }

  function loadPoints(element) {
    var data = element.dataset;
    if (data.pointsUrl) {
      return getJSON(data.pointsUrl).then(function (body) { return Array.isArray(body) ? body : body.points || []; });
    }
    var text = data.points;
    if (data.pointsId) {
      var script = document.getElementById(data.pointsId);
      text = script ? script.textContent : "[]";
    }
    try {
      return Promise.resolve(text ? JSON.parse(text) : []);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  // Ray casting over a GeoJSON Polygon or MultiPolygon, holes included.
  function insideRing(lon, lat, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }

  function insidePolygon(lon, lat, rings) {
    if (!insideRing(lon, lat, rings[0])) return false;
    for (var k = 1; k < rings.length; k++) if (insideRing(lon, lat, rings[k])) return false;
    return true;
  }

  function contains(geometry, lon, lat) {
    if (geometry.type === "Polygon") return insidePolygon(lon, lat, geometry.coordinates);
    if (geometry.type === "MultiPolygon") {
      return geometry.coordinates.some(function (rings) { return insidePolygon(lon, lat, rings); });
    }
    return false;
  }

  function safeHref(url) {
    if (typeof url !== "string" || !url) return null;
    try {
      var parsed = new URL(url, window.location.href);
      if (parsed.protocol === "http:" || parsed.protocol === "https:" || parsed.protocol === window.location.protocol) {
        return parsed.href;
      }
    } catch (error) { /* not a URL */ }
    return null;
  }

  function popupContent(point, labels) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = point.label || "";
    box.appendChild(title);
    var precision = document.createElement("div");
    precision.className = "vigie-map-precision";
    precision.textContent = labels[STYLES[point.precision] ? point.precision : "unknown"];
    box.appendChild(precision);
    var href = safeHref(point.url);
    if (href) {
      var link = document.createElement("a");
      link.href = href;
      link.textContent = labels.open;
      box.appendChild(link);
    }
    return box;
  }

  function swatch(style) {
    var ns = "http://www.w3.org/2000/svg";
    var size = 2 * Math.min(style.radius, 11) + 4;
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", size);
    svg.setAttribute("height", size);
    svg.setAttribute("aria-hidden", "true");
    var circle = document.createElementNS(ns, "circle");
    circle.setAttribute("cx", size / 2);
    circle.setAttribute("cy", size / 2);
    circle.setAttribute("r", Math.min(style.radius, 11));
    circle.setAttribute("fill", style.fillColor);
    circle.setAttribute("fill-opacity", Math.max(style.fillOpacity, 0.05));
    circle.setAttribute("stroke", style.color === "#fff" ? style.fillColor : style.color);
    circle.setAttribute("stroke-width", Math.max(style.weight, 1));
    circle.setAttribute("stroke-opacity", style.opacity);
    if (style.dashArray) circle.setAttribute("stroke-dasharray", style.dashArray);
    svg.appendChild(circle);
    return svg;
  }

  // The legend folds away on narrow maps (a phone), where it would hide most of the country.
  function legendControl(labels, present, notShown, open) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = L.DomUtil.create("details", "vigie-map-legend");
      box.open = open;
      var title = L.DomUtil.create("summary", "vigie-map-legend-title", box);
      title.textContent = labels.legendTitle;
      ["exact", "near", "admin3", "admin2", "admin1", "unknown"].forEach(function (precision) {
        if (precision === "unknown" && !present.unknown) return;
        var row = L.DomUtil.create("div", "vigie-map-legend-row", box);
        row.appendChild(swatch(STYLES[precision]));
        var text = document.createElement("span");
        text.textContent = labels[precision];
        row.appendChild(text);
      });
      if (notShown > 0) {
        var note = L.DomUtil.create("div", "vigie-map-legend-note", box);
        note.textContent = labels.notShown.replace("{n}", new Intl.NumberFormat(pageLanguage()).format(notShown));
      }
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    return control;
  }

  function pageLanguage() {
    return document.documentElement.lang || navigator.language || "fr";
  }

  var LABEL_GAP = 3; // pixels kept free around each region name

  function overlap(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  // Region names, at each region's label point: shown only where the region is wide enough on screen
  // for its name, and never over a name already placed (the larger regions are placed first). At each
  // zoom the names are placed again: a name left out at the country's scale appears once there is room.
  function updateLabels(map, names) {
    var placed = [];
    names.forEach(function (name) {
      var bounds = name.layer.getBounds();
      var width = map.latLngToContainerPoint(bounds.getNorthEast()).x - map.latLngToContainerPoint(bounds.getSouthWest()).x;
      var show = width >= name.text.length * 7 + 8;
      if (show) {
        if (!map.hasLayer(name.tooltip)) name.tooltip.addTo(map);
        var element = name.tooltip.getElement();
        var rect = element ? element.getBoundingClientRect() : null;
        var box = rect && {
          left: rect.left - LABEL_GAP, right: rect.right + LABEL_GAP,
          top: rect.top - LABEL_GAP, bottom: rect.bottom + LABEL_GAP
        };
        show = Boolean(box) && !placed.some(function (other) { return overlap(box, other); });
        if (show) placed.push(box);
      }
      if (!show && map.hasLayer(name.tooltip)) map.removeLayer(name.tooltip);
    });
  }

  function screenArea(map, layer) {
    var bounds = layer.getBounds();
    var ne = map.latLngToContainerPoint(bounds.getNorthEast()), sw = map.latLngToContainerPoint(bounds.getSouthWest());
    return Math.abs(ne.x - sw.x) * Math.abs(ne.y - sw.y);
  }

  function draw(element, geo, points) {
    var labels = labelsFor(element);
    var renderer = L.canvas({ padding: 0.2 });
    var map = L.map(element, {
      renderer: renderer,
      zoomSnap: 0.25,
      minZoom: 4,
      maxZoom: 13,
      attributionControl: false
    });
    L.control.attribution({ prefix: false }).addAttribution(labels.attribution).addTo(map);

    if (geo.context) {
      L.geoJSON(geo.context, {
        renderer: renderer,
        interactive: false,
        style: { color: "#c8c4b8", weight: 0.8, fillColor: "#ebe9e3", fillOpacity: 1 }
      }).addTo(map);
    }
    var names = [];
    var regions = L.geoJSON(geo.regions, {
      renderer: renderer,
      interactive: false,
      style: { color: "#8d8d8d", weight: 1, fillColor: "#ffffff", fillOpacity: 1 },
      onEachFeature: function (feature, layer) {
        var props = feature.properties || {};
        if (!props.name) return;
        var where = props.label ? L.latLng(props.label[1], props.label[0]) : layer.getBounds().getCenter();
        var text = document.createElement("span");
        text.textContent = props.name;
        var tooltip = L.tooltip({ permanent: true, direction: "center", className: "vigie-map-label", interactive: false })
          .setLatLng(where)
          .setContent(text);
        names.push({ layer: layer, text: props.name, tooltip: tooltip });
      }
    }).addTo(map);
    var outline = geo.outline
      ? L.geoJSON(geo.outline, { renderer: renderer, interactive: false, style: { color: "#333", weight: 2, fill: false } }).addTo(map)
      : null;

    var bounds = (outline || regions).getBounds();
    map.fitBounds(bounds, { padding: [8, 8] });
    map.setMaxBounds(bounds.pad(0.6));

    var present = {};
    var notShown = 0;
    var highlighted = {};
    var valid = points.filter(function (point) {
      if (point.precision === "country") { notShown += 1; return false; }
      return typeof point.lat === "number" && typeof point.lon === "number" && isFinite(point.lat) && isFinite(point.lon);
    });
    valid.sort(function (a, b) {
      return PRECISIONS.indexOf(STYLES[a.precision] ? a.precision : "unknown") - PRECISIONS.indexOf(STYLES[b.precision] ? b.precision : "unknown");
    });
    var markers = L.featureGroup();
    valid.forEach(function (point) {
      var precision = STYLES[point.precision] ? point.precision : "unknown";
      present[precision] = true;
      if (precision === "admin1") {
        regions.eachLayer(function (layer) {
          if (!highlighted[L.stamp(layer)] && contains(layer.feature.geometry, point.lon, point.lat)) {
            highlighted[L.stamp(layer)] = true;
            layer.setStyle(REGION_HIGHLIGHT);
          }
        });
      }
      var options = L.extend({ renderer: renderer, bubblingMouseEvents: false }, STYLES[precision]);
      L.circleMarker([point.lat, point.lon], options).bindPopup(popupContent(point, labels)).addTo(markers);
    });
    markers.addTo(map);
    legendControl(labels, present, notShown, map.getSize().x >= 520).addTo(map);

    names.sort(function (a, b) { return screenArea(map, b.layer) - screenArea(map, a.layer); });
    updateLabels(map, names);
    map.on("zoomend resize", function () { updateLabels(map, names); });
    element.vigieMap = map;
    element.dispatchEvent(new CustomEvent("vigie:map-ready", { bubbles: true, detail: { markers: valid.length, notShown: notShown } }));
    return map;
  }

  function init(element) {
    if (element.dataset.vigieReady) return;
    element.dataset.vigieReady = "loading";
    if (element.dataset.label) {
      element.setAttribute("role", "region");
      element.setAttribute("aria-label", element.dataset.label);
    }
    var data = element.dataset;
    var wanted = [
      getJSON(data.geojsonUrl),
      data.outlineUrl ? getJSON(data.outlineUrl) : Promise.resolve(null),
      data.contextUrl ? getJSON(data.contextUrl).catch(function () { return null; }) : Promise.resolve(null),
      loadPoints(element)
    ];
    Promise.all(wanted).then(function (loaded) {
      draw(element, { regions: loaded[0], outline: loaded[1], context: loaded[2] }, loaded[3] || []);
      element.dataset.vigieReady = "yes";
    }).catch(function (error) {
      element.dataset.vigieReady = "failed";
      element.classList.add("vigie-map-failed");
      if (window.console) console.error("vigie map:", error);
    });
  }

  function initAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.classList && scope.classList.contains("vigie-map")) init(scope);
    Array.prototype.forEach.call(scope.querySelectorAll(".vigie-map"), init);
  }

  window.VigieMap = { init: initAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  } else {
    initAll(document);
  }
  // Content swapped in by htmx gets its maps too.
  document.addEventListener("htmx:load", function (event) { initAll(event.target); });
})();
