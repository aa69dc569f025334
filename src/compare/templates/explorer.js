/* compare: source panel, figure drill-down and task explorer. Offline, no dependencies.
   Plan text is always inserted with textContent, never as HTML. */
(function () {
  "use strict";
  if (window.compareExplorer) return; // one copy per page
  var tasksEl = document.getElementById("compare-tasks");
  var TASKS = tasksEl ? JSON.parse(tasksEl.textContent) : {};
  var MAX_ROWS = 500;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  /* Append text to parent with every occurrence of term wrapped in <mark>. */
  function highlighted(parent, text, term) {
    text = String(text || "");
    if (!term) { parent.appendChild(document.createTextNode(text)); return; }
    var parts = text.split(term);
    parts.forEach(function (part, i) {
      parent.appendChild(document.createTextNode(part));
      if (i < parts.length - 1) parent.appendChild(el("mark", null, term));
    });
  }

  function sentences(text, term) {
    return String(text || "").split(/(?<=[。；！？\n])/).filter(function (s) {
      return s.indexOf(term) >= 0;
    });
  }

  /* The extracted lines a citation names, as published (numbered as it numbers them). */
  function sourceLines(t) {
    var det = el("details", "compare-source");
    det.appendChild(el("summary", null, "原文 · source lines"));
    det.appendChild(el("pre", null, t.source));
    return det;
  }

  /* ---- the side panel ---------------------------------------------------- */
  function showTasks(ids, heading, term) {
    var panel = document.getElementById("compare-panel");
    if (!panel) return;
    panel.querySelector(".compare-panel-title").textContent = heading || "";
    var body = panel.querySelector(".compare-panel-body");
    body.textContent = "";
    var shown = 0;
    ids.forEach(function (id) {
      var t = TASKS[id];
      if (!t) return;
      var item = el("article", "compare-task");
      item.dataset.taskId = id;
      item.appendChild(el("div", "compare-cite", t.citation));
      item.appendChild(el("h4", null, t.title));
      if (t.text === undefined) {  // a large corpus: texts left out of the page
        item.appendChild(el("p", "compare-meta", "全文见原文件所示行 · full text: see the cited lines of the plan"));
        body.appendChild(item);
        shown += 1;
        return;
      }
      var parts = term ? sentences(t.text, term) : String(t.text).split("\n");
      parts.forEach(function (p) {
        var para = el("p", "compare-text");
        highlighted(para, p, term);
        item.appendChild(para);
      });
      if (t.source) item.appendChild(sourceLines(t));
      if (t.theme_name) item.appendChild(el("div", "compare-meta", "主题 " + t.theme_name));
      body.appendChild(item);
      shown += 1;
    });
    if (!shown) body.appendChild(el("p", "compare-empty", "No tasks behind this point."));
    panel.hidden = false;
    panel.scrollTop = 0;
  }

  function closePanel() {
    var panel = document.getElementById("compare-panel");
    if (panel) panel.hidden = true;
  }

  /* ---- figures: customdata = ["id1 id2 ...", "term"] ----------------------- */
  function pointIds(cd) {
    if (cd === undefined || cd === null) return null;
    var first = Array.isArray(cd) ? cd[0] : cd;
    if (typeof first !== "string") return null;
    var ids = first.split(/\s+/).filter(function (x) { return x && TASKS[x]; });
    return ids.length ? { ids: ids, term: Array.isArray(cd) && typeof cd[1] === "string" ? cd[1] : "" } : null;
  }

  function pointLabel(pt) {
    var bits = [];
    if (pt.data && pt.data.name) bits.push(pt.data.name);
    if (pt.y !== undefined && typeof pt.y === "string") bits.push(pt.y);
    if (pt.x !== undefined && typeof pt.x === "string") bits.push(pt.x);
    return bits.join(" · ");
  }

  function attachFigures() {
    var divs = document.querySelectorAll(".plotly-graph-div");
    Array.prototype.forEach.call(divs, function (gd) {
      if (gd.dataset.compareDrill || typeof gd.on !== "function") return;
      gd.dataset.compareDrill = "1";
      gd.on("plotly_click", function (ev) {
        if (!ev || !ev.points || !ev.points.length) return;
        var pt = ev.points[0];
        var hit = pointIds(pt.customdata);
        if (!hit) return;
        var label = pointLabel(pt);
        var heading = (hit.term ? "“" + hit.term + "” · " : "") + label + " · " + hit.ids.length + " tasks";
        showTasks(hit.ids, heading, hit.term);
        explorers.forEach(function (x) { x.only(hit.ids, heading); });
      });
    });
  }

  /* ---- the explorer table ----------------------------------------------------- */
  var explorers = [];

  function Explorer(root) {
    var data = JSON.parse(root.querySelector("script[type='application/json']").textContent);
    var cols = data.columns, rows = data.rows;
    var idx = {}; cols.forEach(function (c, i) { idx[c] = i + 1; });
    var search = root.querySelector(".compare-search");
    var filters = root.querySelectorAll(".compare-filter");
    var count = root.querySelector(".compare-count");
    var thead = root.querySelector("thead"), tbody = root.querySelector("tbody");
    var state = { sort: null, desc: false, only: null, onlyLabel: "" };
    /* Corrections: a researcher sets a task's theme here (offline) and downloads them as
       CSV (task_id,code,title) for `compare themes --labels FILE` or the `labels` parameter. */
    var themes = data.themes || [];
    var corrections = {};
    var STORE = "compare-corrections:" + (document.title || "");
    try { corrections = JSON.parse(window.localStorage.getItem(STORE) || "{}"); } catch (e) { corrections = {}; }
    var bar = root.querySelector(".compare-corrections");
    function saveCorrections() {
      try { window.localStorage.setItem(STORE, JSON.stringify(corrections)); } catch (e) { /* file:// may refuse */ }
      if (!bar) return;
      var n = Object.keys(corrections).length;
      bar.querySelector(".compare-corrections-count").textContent =
        n ? n + " 项更正 corrections" : "无更正 no corrections";
      bar.querySelector(".compare-download").disabled = !n;
    }
    function csvCell(v) {
      v = String(v === undefined || v === null ? "" : v);
      return /[",\n\r]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
    }
    function downloadCorrections() {
      var lines = ["task_id,code,title"];
      Object.keys(corrections).sort().forEach(function (id) {
        var c = corrections[id];
        lines.push([id, c.code, c.title].map(csvCell).join(","));
      });
      var blob = new Blob(["\ufeff" + lines.join("\n") + "\n"], { type: "text/csv;charset=utf-8" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = "corrections.csv";
      document.body.appendChild(a); a.click(); a.remove();
    }
    if (bar) {
      bar.hidden = !themes.length;
      bar.querySelector(".compare-download").addEventListener("click", downloadCorrections);
      bar.querySelector(".compare-clear").addEventListener("click", function () {
        corrections = {}; saveCorrections(); render();
      });
      saveCorrections();
    }
    var NAMES = { district: "区 District", document: "文件 Document", section: "章节 Section", number: "编号 No.",
      title: "任务 Task", theme_name: "主题 Theme", confidence: "置信度 Conf.", theme_2: "次选 2nd",
      cluster_label: "聚类 Cluster", targets: "指标 Targets", citation: "出处 Source" };

    Array.prototype.forEach.call(filters, function (sel) {
      var i = idx[sel.dataset.column];
      if (!i) { sel.hidden = true; return; }
      var seen = {};
      rows.forEach(function (r) { if (r[i] !== "") seen[r[i]] = true; });
      Object.keys(seen).sort().forEach(function (v) { var o = el("option", null, v); o.value = v; sel.appendChild(o); });
      sel.addEventListener("change", render);
    });
    var tr = el("tr");
    cols.forEach(function (c) {
      var th = el("th", null, NAMES[c] || c);
      th.dataset.column = c;
      th.tabIndex = 0;
      th.addEventListener("click", function () {
        state.desc = state.sort === c ? !state.desc : false;
        state.sort = c;
        render();
      });
      tr.appendChild(th);
    });
    thead.appendChild(tr);
    search.addEventListener("input", render);
    root.querySelector(".compare-reset").addEventListener("click", function () {
      state.only = null; search.value = "";
      Array.prototype.forEach.call(filters, function (s) { s.value = ""; });
      render();
    });

    function matches(r, q) {
      if (!q) return true;
      if (r.slice(1).join(" ").indexOf(q) >= 0) return true;
      var t = TASKS[r[0]];
      return !!t && t.text !== undefined && String(t.text).indexOf(q) >= 0;
    }

    function render() {
      var q = search.value.trim();
      var out = rows.filter(function (r) {
        if (state.only && !state.only[r[0]]) return false;
        for (var k = 0; k < filters.length; k++) {
          var f = filters[k], i = idx[f.dataset.column];
          if (i && f.value && r[i] !== f.value) return false;
        }
        return matches(r, q);
      });
      if (state.sort) {
        var i = idx[state.sort], d = state.desc ? -1 : 1;
        out = out.slice().sort(function (a, b) {
          var x = a[i], y = b[i];
          if (typeof x === "number" && typeof y === "number") return d * (x - y);
          return d * String(x).localeCompare(String(y), "zh-Hans-CN", { numeric: true });
        });
      }
      tbody.textContent = "";
      out.slice(0, MAX_ROWS).forEach(function (r) {
        var row = el("tr", "compare-row");
        row.dataset.taskId = r[0];
        cols.forEach(function (c) {
          var td = el("td", "col-" + c);
          highlighted(td, c === "theme_name" ? shownTheme(r) : r[idx[c]], q);
          row.appendChild(td);
        });
        row.addEventListener("click", function () { toggleDetail(row, r[0], q); });
        tbody.appendChild(row);
      });
      var note = out.length + " / " + rows.length + " tasks";
      if (out.length > MAX_ROWS) note += " (first " + MAX_ROWS + " shown; refine the search)";
      if (state.only) note += " · from chart: " + state.onlyLabel;
      count.textContent = note;
    }

    function themeChooser(id, row) {
      var wrap = el("label", "compare-set-theme", "改为 Set theme: ");
      var sel = el("select");
      var current = corrections[id] ? corrections[id].code : "";
      var none = el("option", null, "（不更正 keep the coding）"); none.value = ""; sel.appendChild(none);
      themes.forEach(function (t) {
        var o = el("option", null, t[0] + " " + t[1]); o.value = t[0];
        if (t[0] === current) o.selected = true;
        sel.appendChild(o);
      });
      sel.addEventListener("change", function () {
        var r = rows.filter(function (x) { return x[0] === id; })[0];
        if (sel.value) corrections[id] = { code: sel.value, title: r ? r[idx.title] : "" };
        else delete corrections[id];
        saveCorrections();
        var cell = row.querySelector(".col-theme_name");
        if (cell) cell.textContent = shownTheme(r || [id]);
      });
      wrap.appendChild(sel);
      return wrap;
    }

    function shownTheme(r) {
      var c = corrections[r[0]];
      if (!c) return idx.theme_name ? r[idx.theme_name] : "";
      var name = themes.filter(function (t) { return t[0] === c.code; })[0];
      return "✎ " + (name ? name[1] : c.code);
    }

    function toggleDetail(row, id, q) {
      var next = row.nextSibling;
      if (next && next.classList && next.classList.contains("compare-detail")) { next.remove(); return; }
      var t = TASKS[id];
      var d = el("tr", "compare-detail"), td = el("td");
      td.colSpan = cols.length;
      td.appendChild(el("div", "compare-cite", t ? t.citation : id));
      String(t && t.text !== undefined ? t.text : "").split("\n").forEach(function (p) {
        var para = el("p", "compare-text"); highlighted(para, p, q); td.appendChild(para);
      });
      if (t && t.source) td.appendChild(sourceLines(t));
      if (themes.length) td.appendChild(themeChooser(id, row));
      d.appendChild(td);
      row.parentNode.insertBefore(d, row.nextSibling);
    }

    this.only = function (ids, label) {
      state.only = {}; ids.forEach(function (x) { state.only[x] = true; });
      state.onlyLabel = label || "";
      render();
    };
    render();
  }

  function init() {
    var panel = document.getElementById("compare-panel");
    if (panel) panel.querySelector(".compare-panel-close").addEventListener("click", closePanel);
    Array.prototype.forEach.call(document.querySelectorAll("[data-compare-explorer]"), function (root) {
      if (!root.dataset.ready) { root.dataset.ready = "1"; explorers.push(new Explorer(root)); }
    });
    attachFigures();
    setTimeout(attachFigures, 500); // figures drawn after this script
  }

  window.compareExplorer = { showTasks: showTasks, close: closePanel, attach: attachFigures };
  if (document.readyState === "complete") init(); else window.addEventListener("load", init);
})();
