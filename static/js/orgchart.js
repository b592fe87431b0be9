// The drawn org chart: pan, zoom, open/close subtrees, find, print.
// Progressive enhancement: without this file the chart is a static SVG whose
// boxes and +/− buttons are ordinary links, and every form works.
(function () {
  "use strict";
  var frame = document.querySelector(".chart-frame");
  if (!frame) return;
  var view = null; // {x, y, k}: the root group's translate and scale
  var MIN_K = 0.05, MAX_K = 4;

  function parts() {
    var viewport = frame.querySelector(".chart-viewport");
    var svg = viewport && viewport.querySelector("svg.orgchart");
    var root = svg && svg.querySelector("g.chart-root");
    return { viewport: viewport, svg: svg, root: root };
  }

  function size(svg) {
    var box = svg.viewBox.baseVal;
    return { w: Number(svg.getAttribute("width")) || box.width, h: Number(svg.getAttribute("height")) || box.height };
  }

  function apply() {
    var p = parts();
    if (!p.root) return;
    p.root.setAttribute("transform", "translate(" + view.x.toFixed(1) + " " + view.y.toFixed(1) + ") scale(" + view.k.toFixed(4) + ")");
  }

  function setup(keep) {
    var p = parts();
    if (!p.svg) return;
    // The drawing's own size, read once: after this the svg's width, height and
    // viewBox describe the window onto it (a resize or print would re-read those).
    if (!p.svg.dataset.width) {
      var own = size(p.svg);
      p.svg.dataset.width = own.w;
      p.svg.dataset.height = own.h;
    }
    var drawing = { w: Number(p.svg.dataset.width), h: Number(p.svg.dataset.height) };
    var cw = p.viewport.clientWidth, ch = p.viewport.clientHeight;
    p.svg.setAttribute("viewBox", "0 0 " + cw + " " + ch);
    p.svg.setAttribute("width", "100%");
    p.svg.setAttribute("height", "100%");
    if (keep) { view = keep; } else {
      var k = Math.min(1, Math.max(cw / drawing.w, 0.35));
      view = { k: k, x: Math.max((cw - drawing.w * k) / 2, 0), y: 0 };
      if (drawing.w * k > cw) {
        // Wider than the window: start over the top box.
        var top = p.svg.querySelector("rect[data-code]");
        if (top) view.x = cw / 2 - (top.x.baseVal.value + top.width.baseVal.value / 2) * k;
      }
    }
    apply();
    addZoomButtons();
  }

  function zoomAt(factor, cx, cy) {
    var k = Math.min(MAX_K, Math.max(MIN_K, view.k * factor));
    var f = k / view.k;
    view.x = cx - (cx - view.x) * f;
    view.y = cy - (cy - view.y) * f;
    view.k = k;
    apply();
  }

  function fit() {
    var p = parts();
    var w = Number(p.svg.dataset.width), h = Number(p.svg.dataset.height);
    var cw = p.viewport.clientWidth, ch = p.viewport.clientHeight;
    var k = Math.min(cw / w, ch / h, 1);
    view = { k: k, x: (cw - w * k) / 2, y: (ch - h * k) / 2 };
    apply();
  }

  function centreOn(rect) {
    var p = parts();
    var cx = rect.x.baseVal.value + rect.width.baseVal.value / 2;
    var cy = rect.y.baseVal.value + rect.height.baseVal.value / 2;
    if (view.k < 0.6) view.k = 0.8;
    view.x = p.viewport.clientWidth / 2 - cx * view.k;
    view.y = p.viewport.clientHeight / 2 - cy * view.k;
    apply();
  }

  function addZoomButtons() {
    var p = parts();
    if (!p.viewport || frame.querySelector(".chart-zoom")) return;
    var bar = document.createElement("div");
    bar.className = "chart-zoom";
    // Names in the page's language, from the template's translations: the
    // buttons show only symbols.
    var d = frame.dataset;
    var names = [d.zoomIn || "+", d.zoomOut || "−", d.zoomFit || "⤢", d.zoomReset || "1:1"];
    bar.setAttribute("role", "toolbar");
    [["+", "zoom-in"], ["−", "zoom-out"], ["⤢", "fit"], ["1:1", "reset"]].forEach(function (b, i) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = b[0];
      button.dataset.zoom = b[1];
      button.title = names[i];
      button.setAttribute("aria-label", names[i]);  // a screen reader would read "+" or "⤢"
      bar.appendChild(button);
    });
    frame.insertBefore(bar, frame.firstChild);
  }

  frame.addEventListener("click", function (event) {
    var button = event.target.closest("[data-zoom]");
    if (!button) return;
    var p = parts();
    var cx = p.viewport.clientWidth / 2, cy = p.viewport.clientHeight / 2;
    if (button.dataset.zoom === "zoom-in") zoomAt(1.25, cx, cy);
    else if (button.dataset.zoom === "zoom-out") zoomAt(0.8, cx, cy);
    else if (button.dataset.zoom === "fit") fit();
    else zoomAt(1 / view.k, cx, cy);  // 1:1 about the centre, not the drawing's corner
  });

  // Pan by dragging; a drag is not a click on the box under it.
  var drag = null, moved = false, quiet = false;
  frame.addEventListener("pointerdown", function (event) {
    var p = parts();
    if (!p.viewport || !p.viewport.contains(event.target) || event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y };
    moved = false;
  });
  window.addEventListener("pointermove", function (event) {
    if (!drag) return;
    var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!moved && Math.abs(dx) + Math.abs(dy) < 5) return;
    moved = true;
    parts().viewport.classList.add("dragging");
    view.x = drag.vx + dx;
    view.y = drag.vy + dy;
    apply();
  });
  window.addEventListener("pointerup", function () {
    if (!drag) return;
    drag = null;
    var p = parts();
    if (p.viewport) p.viewport.classList.remove("dragging");
  });
  frame.addEventListener("click", function (event) {
    // Only a pointer's click ends a drag: a drag let go outside the chart has
    // none, and the keyboard's (Enter on a box: detail 0) is always a click.
    if (moved && event.detail && event.target.closest(".chart-viewport")) { event.preventDefault(); event.stopPropagation(); moved = false; }
  }, true);
  frame.addEventListener("wheel", function (event) {
    var p = parts();
    if (!p.viewport || !p.viewport.contains(event.target)) return;
    event.preventDefault();
    var r = p.viewport.getBoundingClientRect();
    // The drawing starts inside the viewport's border.
    var x = event.clientX - r.left - p.viewport.clientLeft, y = event.clientY - r.top - p.viewport.clientTop;
    zoomAt(event.deltaY < 0 ? 1.15 : 1 / 1.15, x, y);
  }, { passive: false });
  // Tabbing to a box outside the window: bring it into view (the svg clips its
  // content, so the browser cannot scroll to it). Not for a mouse's focus: the
  // pan would move the box from under the pointer before the click.
  frame.addEventListener("focusin", function (event) {
    var p = parts();
    if (drag || quiet || !p.viewport || !p.viewport.contains(event.target)) return;
    var el = event.target.closest("[data-key]");
    var rect = el && frame.querySelector('.box[data-key="' + CSS.escape(el.dataset.key) + '"] > rect[data-code]');
    if (!rect) return;
    var r = rect.getBoundingClientRect(), v = p.viewport.getBoundingClientRect();
    if (r.left >= v.left && r.right <= v.right && r.top >= v.top && r.bottom <= v.bottom) return;
    centreOn(rect);
  });
  frame.addEventListener("keydown", function (event) {
    var p = parts();
    if (!p.viewport || event.target !== p.viewport) return;
    var step = 60;
    var keys = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (keys[event.key]) { view.x += keys[event.key][0]; view.y += keys[event.key][1]; apply(); event.preventDefault(); }
    else if (event.key === "+" || event.key === "=") zoomAt(1.25, p.viewport.clientWidth / 2, p.viewport.clientHeight / 2);
    else if (event.key === "-") zoomAt(0.8, p.viewport.clientWidth / 2, p.viewport.clientHeight / 2);
  });

  // Open/close a subtree, or find: fetch the redrawn chart and swap it in,
  // keeping the box that was clicked where it was on the screen.
  function load(url, anchorKey, after) {
    var canvas = frame.querySelector(".chart-canvas");
    var before = null;
    // Opened from the keyboard: the new chart's button keeps the focus.
    var refocus = anchorKey && document.activeElement && canvas.contains(document.activeElement);
    if (anchorKey) {
      var old = frame.querySelector('[data-key="' + CSS.escape(anchorKey) + '"] rect[data-code]');
      // On the screen, not in the viewport: what is above the viewport (the
      // "found" message, the breadcrumb) may change height with the redraw.
      if (old) before = old.getBoundingClientRect();
    }
    canvas.setAttribute("aria-busy", "true");
    return fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector(".chart-canvas");
        if (!fresh) throw new Error("no chart");
        canvas.replaceWith(document.importNode(fresh, true));
        var keep = { x: view.x, y: view.y, k: view.k };
        setup(after ? null : keep);
        var now = before && frame.querySelector('[data-key="' + CSS.escape(anchorKey) + '"] rect[data-code]');
        if (now) {
          var r = now.getBoundingClientRect();
          view.x += before.left - r.left;
          view.y += before.top - r.top;
          apply();
        }
        if (refocus) {
          var again = frame.querySelector('a.toggle[data-key="' + CSS.escape(anchorKey) + '"]');
          if (again) { quiet = true; again.focus({ preventScroll: true }); quiet = false; }
        }
        history.replaceState(null, "", url);
        if (after) after();
      })
      .catch(function () { window.location.href = url; });
  }

  frame.addEventListener("click", function (event) {
    var toggle = event.target.closest("a.toggle");
    if (!toggle) return;  // a drag's click was stopped above
    event.preventDefault();
    load(toggle.getAttribute("href"), toggle.dataset.key);
  });

  var tools = document.querySelector(".chart-tools");
  if (tools) {
    tools.addEventListener("submit", function (event) {
      event.preventDefault();
      var url = tools.getAttribute("action") + "?" + new URLSearchParams(new FormData(tools)).toString();
      load(url, null, function () {
        var hit = frame.querySelector(".box.highlight rect[data-code]");
        if (hit) {
          centreOn(hit);
          var box = hit.parentNode;
          box.classList.add("pulse");
          setTimeout(function () { box.classList.remove("pulse"); }, 1600);
        }
      });
    });
    tools.addEventListener("change", function (event) {
      if (event.target.name === "q") return;
      tools.requestSubmit();
    });
  }

  // Print the whole drawing, not the window onto it.
  var saved = null;
  window.addEventListener("beforeprint", function () {
    var p = parts();
    if (!p.svg) return;
    saved = { x: view.x, y: view.y, k: view.k };
    p.svg.setAttribute("viewBox", "0 0 " + p.svg.dataset.width + " " + p.svg.dataset.height);
    p.root.setAttribute("transform", "translate(0 0)");
  });
  window.addEventListener("afterprint", function () {
    if (!saved) return;
    setup(saved);
    saved = null;
  });

  window.addEventListener("resize", function () { if (view) setup(view); });
  setup(null);
  var hit = frame.querySelector(".box.highlight rect[data-code]");
  if (hit) centreOn(hit);
})();
