/**
 * The status page: static HTML and one script, no third-party code, no CDN. The script polls
 * `status.json` (relative, so it works under Supabase's `/functions/v1/llm-gateway/` prefix) and
 * sends the metrics token it finds in the page's fragment (`#token=...`, never sent to a server or
 * written to a log) as a bearer token.
 */

/** Content-Security-Policy of the page: only its own script and data. */
export const statusPagePolicy =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** How often the page polls, in milliseconds. */
export const statusPollMs = 2000;

/** `GET /status`. */
export const statusPageHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>LLM gateway status</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1d2330; background: #f6f7f9; }
  h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
  .muted { color: #667085; font-size: .85rem; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: .75rem; margin: 1rem 0; }
  .card { background: #fff; border: 1px solid #e4e7ec; border-radius: .5rem; padding: .75rem 1rem; }
  .card b { display: block; font-size: 1.5rem; font-variant-numeric: tabular-nums; }
  table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid #e4e7ec; margin: .5rem 0 1rem; }
  th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #eef0f3; font-variant-numeric: tabular-nums; }
  .open { color: #b42318; font-weight: 600; } .half-open { color: #b54708; } .closed { color: #067647; }
  #problem { color: #b42318; }
</style>
</head>
<body>
<h1>LLM gateway status</h1>
<div class="muted">Updated <span id="updated">never</span> · <span id="scope"></span> · refreshes every ${statusPollMs / 1000} s</div>
<div id="problem" role="alert"></div>
<div class="grid">
  <div class="card">Requests<b id="requests-total">-</b></div>
  <div class="card">Requests per minute<b id="request-rate">-</b></div>
  <div class="card">Server errors (5xx)<b id="requests-5xx">-</b></div>
  <div class="card">Cost today (USD)<b id="cost-today">-</b></div>
  <div class="card">Cost avoided today (USD)<b id="cost-avoided-today">-</b></div>
  <div class="card">Budget used<b id="budget-used">-</b></div>
  <div class="card">Cost, all time (USD)<b id="cost-total">-</b></div>
</div>
<h2>Cache</h2>
<table><thead><tr><th>Layer</th><th>Hits</th><th>Misses</th><th>Bypassed</th><th>Hit rate</th></tr></thead><tbody id="cache"></tbody></table>
<h2>Circuit breakers</h2>
<table><thead><tr><th>Provider</th><th>State</th></tr></thead><tbody id="breakers"></tbody></table>
<h2>Recent errors</h2>
<table><thead><tr><th>Time</th><th>Route</th><th>Status</th><th>Message</th></tr></thead><tbody id="errors"></tbody></table>
<script src="status.js"></script>
</body>
</html>
`;

/** `GET /status.js`. */
export const statusPageScript = `"use strict";
(function () {
  var token = new URLSearchParams(location.hash.slice(1)).get("token");
  var previous = null;
  function text(id, value) { document.getElementById(id).textContent = value; }
  function usd(value) { return value.toFixed(6); }
  function percent(value) { return value === null ? "-" : (value * 100).toFixed(1) + " %"; }
  function rows(id, list, cells) {
    var body = document.getElementById(id);
    body.replaceChildren();
    list.forEach(function (item) {
      var row = document.createElement("tr");
      cells(item).forEach(function (cell) {
        var td = document.createElement("td");
        td.textContent = String(cell.text);
        if (cell.className) td.className = cell.className;
        row.appendChild(td);
      });
      body.appendChild(row);
    });
  }
  function show(data) {
    var now = Date.parse(data.generatedAt);
    text("updated", new Date(now).toLocaleTimeString());
    text("scope", data.shared ? "all gateway processes (shared store)" : "this gateway process");
    text("requests-total", String(data.requests.total));
    text("requests-5xx", String(data.requests.serverErrors));
    if (previous && now > previous.time) {
      text("request-rate", ((data.requests.total - previous.total) * 60000 / (now - previous.time)).toFixed(1));
    }
    previous = { time: now, total: data.requests.total };
    text("cost-today", usd(data.cost.todayUsd));
    text("cost-avoided-today", usd(data.cost.avoidedTodayUsd));
    text("cost-total", usd(data.cost.totalUsd));
    text("budget-used", data.budget.capUsd === null ? "no cap" : percent(data.budget.usedFraction) + " of $" + data.budget.capUsd);
    rows("cache", data.cache, function (layer) {
      return [{ text: layer.layer }, { text: layer.hit }, { text: layer.miss }, { text: layer.bypass }, { text: percent(layer.hitRate) }];
    });
    rows("breakers", Object.keys(data.breakers).sort().map(function (name) { return [name, data.breakers[name]]; }), function (entry) {
      return [{ text: entry[0] }, { text: entry[1], className: entry[1] }];
    });
    rows("errors", data.recentErrors, function (error) {
      return [{ text: error.time }, { text: error.route }, { text: error.status }, { text: error.message }];
    });
    document.body.dataset.loaded = String(data.requests.total);
  }
  function poll() {
    var headers = token ? { authorization: "Bearer " + token } : {};
    fetch("status.json", { headers: headers, cache: "no-store" })
      .then(function (response) {
        if (response.status === 401) throw new Error("This page needs the metrics token: open it as status#token=<GATEWAY_METRICS_TOKEN>.");
        if (!response.ok) throw new Error("status.json answered HTTP " + response.status);
        return response.json();
      })
      .then(function (data) { text("problem", ""); show(data); })
      .catch(function (error) { text("problem", error.message); })
      .finally(function () { setTimeout(poll, ${statusPollMs}); });
  }
  poll();
})();
`;
