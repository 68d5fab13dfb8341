/*
 * Vigie charts, drawn with uPlot (vendor/uplot-*). No build step.
 *
 *   <div class="vigie-chart" data-kind="band|bars" data-series='{...}'  (or data-series-id="id-of-a-json_script")
 *        data-title="Civilians killed per month"        caption of the chart and of its data table
 *        data-label-best="Best estimate" data-label-low="Low" data-label-high="High"     (band)
 *        data-label-total="Total"                                                         (bars, stacked)
 *        data-height="280"></div>
 *
 * Every label comes from the page (translated by the server); dates and numbers are formatted with Intl
 * in the language of <html lang>.
 *
 * Series for data-kind="band": one figure over time, as a low-high range around a best estimate.
 *   {"period": "month",                       day | week | month | year: how dates are written
 *    "x":    ["2024-01-01", "2024-02-01"],    ISO dates (UTC), the start of each period
 *    "low":  [3, 0],  "best": [5, 0],  "high": [9, 1]}      numbers or null, one per date
 *   "low" and "high" may be left out (then only the best line is drawn).
 *
 * Series for data-kind="bars": figures by category (perpetrator category, region...).
 *   {"categories": ["Forces de l'État", "Groupe djihadiste"],     labels, already translated
 *    "series": [{"label": "Incidents", "values": [12, 30], "color": "#0072b2"}],     color optional
 *    "stacked": false,                       several series: side by side (false) or stacked (true)
 *    "horizontal": true}                     bars run left to right, labels on the left (default true)
 *
 * Each chart also writes its figures as a table for screen readers (inside a div.vigie-sr-only).
 */
(function () {
  "use strict";

  var PALETTE = ["#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#8c6d1f", "#444444"];
  var BAND = { line: "#b3261e", fill: "rgba(179, 38, 30, 0.16)", edge: "rgba(179, 38, 30, 0.45)" };
  var DAY = 86400;
  var FONT = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var PERIOD_SECONDS = { day: DAY, week: 7 * DAY, month: 31 * DAY, year: 366 * DAY };
  // Ticks on the time axis, never finer than the series' period (uPlot aligns 30-day and 365-day steps
  // on months and years).
  var TIME_STEPS = [1, 2, 3, 4, 5, 7, 10, 14, 15, 30, 60, 90, 120, 180, 365, 730, 1825, 3650, 9125].map(function (days) { return days * DAY; });
  var MIN_STEP = { day: DAY, week: 7 * DAY, month: 30 * DAY, year: 365 * DAY };
  // People and incidents are counted in whole numbers: no axis step of 0.5.
  var COUNT_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1e3, 2e3, 2500, 5e3, 1e4, 2e4, 25e3, 5e4, 1e5, 2e5, 25e4, 5e5, 1e6, 2e6, 5e6, 1e7];

  function language() {
    return document.documentElement.lang || navigator.language || "fr";
  }

  function numberFormat() {
    return new Intl.NumberFormat(language(), { maximumFractionDigits: 1 });
  }

  function dateFormats() {
    var lang = language();
    return {
      day: new Intl.DateTimeFormat(lang, { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" }),
      dayShort: new Intl.DateTimeFormat(lang, { timeZone: "UTC", day: "numeric", month: "short" }),
      month: new Intl.DateTimeFormat(lang, { timeZone: "UTC", month: "short", year: "numeric" }),
      monthLong: new Intl.DateTimeFormat(lang, { timeZone: "UTC", month: "long", year: "numeric" }),
      year: new Intl.DateTimeFormat(lang, { timeZone: "UTC", year: "numeric" })
    };
  }

  function readSeries(element) {
    var text = element.dataset.series;
    if (element.dataset.seriesId) {
      var script = document.getElementById(element.dataset.seriesId);
      text = script ? script.textContent : "";
    }
    return JSON.parse(text || "{}");
  }

  function toSeconds(iso) {
    var parts = String(iso).split("-").map(Number);
    return Date.UTC(parts[0], (parts[1] || 1) - 1, parts[2] || 1) / 1000;
  }

  function numberOrNull(value) {
    return typeof value === "number" && isFinite(value) ? value : null;
  }

  function sizeOf(element) {
    var width = Math.max(element.clientWidth || 0, 240);
    var height = Number(element.dataset.height) || Math.round(Math.min(Math.max(width * 0.55, 200), 340));
    return { width: width, height: height };
  }

  function textWidth(text) {
    var context = textWidth.canvas || (textWidth.canvas = document.createElement("canvas").getContext("2d"));
    context.font = FONT;
    return context.measureText(text).width;
  }

  function truncate(text, pixels) {
    if (textWidth(text) <= pixels) return text;
    var cut = text;
    while (cut.length > 1 && textWidth(cut + "…") > pixels) cut = cut.slice(0, -1);
    return cut + "…";
  }

  // Room for the widest figure on a vertical axis (uPlot calls this with the axis's formatted values).
  function numberAxisSize(u, values) {
    var widest = (values || []).reduce(function (most, text) { return Math.max(most, textWidth(String(text))); }, 0);
    return Math.ceil(widest) + 18;
  }

  // A table of the figures, hidden on screen, read by screen readers.
  function dataTable(caption, head, rows) {
    // Wrapped: a table grows to fit its cells whatever its width, a hidden block does not.
    var wrapper = document.createElement("div");
    wrapper.className = "vigie-sr-only";
    var table = wrapper.appendChild(document.createElement("table"));
    if (caption) table.createCaption().textContent = caption;
    var headRow = table.createTHead().insertRow();
    head.forEach(function (cell) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = cell;
      headRow.appendChild(th);
    });
    var body = table.createTBody();
    rows.forEach(function (cells) {
      var row = body.insertRow();
      cells.forEach(function (cell, index) {
        var td = index === 0 ? document.createElement("th") : document.createElement("td");
        if (index === 0) td.scope = "row";
        td.textContent = cell;
        row.appendChild(td);
      });
    });
    return wrapper;
  }

  function bandChart(element, spec) {
    var labels = element.dataset;
    var nf = numberFormat();
    var formats = dateFormats();
    var period = spec.period || "month";
    var xs = (spec.x || []).map(toSeconds);
    var best = (spec.best || []).map(numberOrNull);
    var hasRange = Array.isArray(spec.low) && Array.isArray(spec.high);
    var low = hasRange ? spec.low.map(numberOrNull) : [];
    var high = hasRange ? spec.high.map(numberOrNull) : [];
    var fullDate = function (seconds) {
      var date = new Date(seconds * 1000);
      if (period === "year") return formats.year.format(date);
      if (period === "month") return formats.monthLong.format(date);
      return formats.day.format(date);
    };
    var value = function (u, v) { return v == null ? "–" : nf.format(v); };

    var series = [{ label: labels.labelDate || "Date", value: function (u, v) { return v == null ? "–" : fullDate(v); } }];
    var data = [xs];
    if (hasRange) {
      series.push({ label: labels.labelHigh || "High", stroke: BAND.edge, width: 1, dash: [3, 3], points: { show: false }, value: value });
      series.push({ label: labels.labelLow || "Low", stroke: BAND.edge, width: 1, dash: [3, 3], points: { show: false }, value: value });
      data.push(high, low);
    }
    series.push({ label: labels.labelBest || "Best estimate", stroke: BAND.line, width: 2, points: { size: 5 }, value: value });
    data.push(best);

    var size = sizeOf(element);
    var options = {
      width: size.width,
      height: size.height,
      series: series,
      bands: hasRange ? [{ series: [1, 2], fill: BAND.fill }] : [],
      scales: {
        x: {
          time: true,
          range: function (u, min, max) {
            // One date alone would be drawn at the left edge of a span uPlot invents: centre it.
            var step = PERIOD_SECONDS[period] || 31 * DAY;
            return xs.length === 1 ? [xs[0] - step, xs[0] + step] : [min, max];
          }
        },
        y: { range: function (u, min, max) { return [0, Math.max(1, max) * 1.08]; } }
      },
      axes: [
        {
          font: FONT,
          space: 72,
          incrs: TIME_STEPS.filter(function (step) { return step >= (MIN_STEP[period] || DAY); }),
          values: function (u, splits, axisIdx, space, incr) {
            return splits.map(function (seconds) {
              var date = new Date(seconds * 1000);
              if (incr >= 360 * DAY) return formats.year.format(date);
              if (incr >= 28 * DAY) return formats.month.format(date);
              return formats.dayShort.format(date);
            });
          }
        },
        { font: FONT, size: numberAxisSize, incrs: COUNT_STEPS, values: function (u, splits) { return splits.map(function (v) { return nf.format(v); }); } }
      ],
      cursor: { drag: { x: false, y: false } },
      legend: { live: true }
    };
    var head = [labels.labelDate || ""].concat(hasRange ? [labels.labelLow || "Low", labels.labelBest || "Best estimate", labels.labelHigh || "High"] : [labels.labelBest || "Best estimate"]);
    var rows = xs.map(function (seconds, i) {
      var cells = [fullDate(seconds)];
      if (hasRange) cells.push(value(null, low[i]), value(null, best[i]), value(null, high[i]));
      else cells.push(value(null, best[i]));
      return cells;
    });
    return { options: options, data: data, table: dataTable(labels.title, head, rows) };
  }

  function barsChart(element, spec) {
    var labels = element.dataset;
    var nf = numberFormat();
    var categories = spec.categories || [];
    var input = (spec.series || []).map(function (one, index) {
      return {
        label: one.label || "",
        color: one.color || PALETTE[index % PALETTE.length],
        values: categories.map(function (c, i) { return numberOrNull((one.values || [])[i]) || 0; })
      };
    });
    var stacked = !!spec.stacked && input.length > 1;
    var horizontal = spec.horizontal !== false;
    var size = sizeOf(element);
    if (horizontal && !element.dataset.height) {
      var perRow = stacked || input.length === 1 ? 28 : 14 * input.length + 10;
      size.height = Math.max(140, categories.length * perRow + 60);
    }
    var xs = categories.map(function (c, i) { return i; });
    var labelRoom = horizontal ? Math.min(size.width * 0.42, 220) : 80;
    var shortLabels = categories.map(function (text) { return truncate(String(text), labelRoom - 12); });
    var count = input.length;
    var group = 0.8;
    var data = [xs];
    var series = [{ label: "" }];

    var cumulative = [];
    if (stacked) {
      // Each series is drawn from the running total before it (y0) to the running total with it (y1).
      var sums = categories.map(function () { return 0; });
      input.forEach(function (one) {
        cumulative.push(one.values.map(function (v, i) { sums[i] += v; return sums[i]; }));
      });
    }
    input.forEach(function (one, k) {
      data.push(stacked ? cumulative[k] : one.values);
      series.push(barSeries(one, k, count > 1 && !stacked ? k : null));
    });

    function barSeries(one, k, slot) {
      var paths = { size: [0.7, 60] };
      if (stacked) {
        paths.disp = {
          y0: { unit: 1, values: function () { return k === 0 ? categories.map(function () { return 0; }) : cumulative[k - 1]; } },
          y1: { unit: 1, values: function () { return cumulative[k]; } }
        };
      } else if (slot != null) {
        var width = group / count;
        paths = {
          disp: {
            x0: { unit: 1, values: function (u) { return u.data[0].map(function (i) { return i - group / 2 + slot * width; }); } },
            size: { unit: 1, values: function (u) { return u.data[0].map(function () { return width * 0.9; }); } }
          }
        };
      }
      return {
        label: one.label,
        stroke: one.color,
        fill: one.color,
        width: 0,
        points: { show: false },
        paths: uPlot.paths.bars(paths)
      };
    }

    var axisX = {
      font: FONT,
      splits: function () { return xs; },
      values: function (u, splits) { return splits.map(function (i) { return shortLabels[i] || ""; }); },
      gap: 4,
      grid: { show: false },
      ticks: { show: false }
    };
    var axisY = { font: FONT, incrs: COUNT_STEPS, values: function (u, splits) { return splits.map(function (v) { return nf.format(v); }); } };
    if (horizontal) {
      axisX.side = 3;
      axisX.size = labelRoom;
      axisY.side = 2;
    } else {
      axisX.rotate = categories.length > 4 ? -30 : 0;
      axisX.size = categories.length > 4 ? 70 : 40;
      axisY.size = numberAxisSize;
    }
    // Horizontal bars, one per category (one series, or stacked), carry their figure at their end:
    // a phone has no hover to read it from.
    var totals = categories.map(function (c, i) { return input.reduce(function (sum, one) { return sum + one.values[i]; }, 0); });
    var writeTotals = horizontal && (count === 1 || stacked);
    var options = {
      width: size.width,
      height: size.height,
      series: series,
      scales: {
        x: { time: false, ori: horizontal ? 1 : 0, dir: horizontal ? -1 : 1, range: [-0.5, Math.max(categories.length, 1) - 0.5] },
        y: { ori: horizontal ? 0 : 1, range: function (u, min, max) { return [0, Math.max(1, max) * (writeTotals ? 1.2 : 1.08)]; } }
      },
      axes: [axisX, axisY],
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      legend: { show: count > 1, live: false },
      hooks: writeTotals ? { draw: [function (u) { drawTotals(u, totals, nf); }] } : {}
    };
    var head = [""].concat(input.map(function (one) { return one.label; }));
    if (stacked) head.push(labels.labelTotal || "Total");
    var rows = categories.map(function (category, i) {
      var cells = [String(category)].concat(input.map(function (one) { return nf.format(one.values[i]); }));
      if (stacked) cells.push(nf.format(input.reduce(function (sum, one) { return sum + one.values[i]; }, 0)));
      return cells;
    });
    return { options: options, data: data, table: dataTable(labels.title, head, rows) };
  }

  function drawTotals(u, totals, nf) {
    var ctx = u.ctx;
    var ratio = window.devicePixelRatio || 1;
    ctx.save();
    ctx.font = FONT.replace("12px", Math.round(12 * ratio) + "px");
    ctx.fillStyle = "#333";
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    totals.forEach(function (total, i) {
      ctx.fillText(nf.format(total), u.valToPos(total, "y", true) + 4 * ratio, u.valToPos(i, "x", true));
    });
    ctx.restore();
  }

  var KINDS = { band: bandChart, bars: barsChart };

  function init(element) {
    if (element.dataset.vigieReady) return;
    var kind = KINDS[element.dataset.kind];
    if (!kind || typeof uPlot === "undefined") return;
    element.dataset.vigieReady = "yes";
    var chart;
    try {
      chart = kind(element, readSeries(element));
    } catch (error) {
      element.dataset.vigieReady = "failed";
      if (window.console) console.error("vigie chart:", error);
      return;
    }
    if (element.dataset.title) {
      element.setAttribute("role", "figure");
      element.setAttribute("aria-label", element.dataset.title);
    }
    var plot = new uPlot(chart.options, chart.data, element);
    element.appendChild(chart.table);
    element.vigieChart = plot;
    // Follow the width of the page (a phone turned sideways); the height stays as first set.
    if (typeof ResizeObserver !== "undefined") {
      var lastWidth = element.clientWidth;
      new ResizeObserver(function () {
        if (Math.abs(element.clientWidth - lastWidth) < 4) return;
        lastWidth = element.clientWidth;
        plot.setSize({ width: sizeOf(element).width, height: chart.options.height });
      }).observe(element);
    }
  }

  function initAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.classList && scope.classList.contains("vigie-chart")) init(scope);
    Array.prototype.forEach.call(scope.querySelectorAll(".vigie-chart"), init);
  }

  window.VigieCharts = { init: initAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  } else {
    initAll(document);
  }
  document.addEventListener("htmx:load", function (event) { initAll(event.target); });
})();
