// Zoom and pan for the map pages' maps (map.html): an optional extra over a map that works without it.
//
// Progressive enhancement: without JavaScript the map is the same SVG, its points links, its
// regions a click away (map/<region>/). With it, each map of a figure.map-zoomable gets buttons
// to zoom in, zoom out, move and reset, by changing the SVG's viewBox; the points and labels are
// drawn smaller as the map grows, so they keep their size on screen. Nothing is fetched.
//
// Keyboard: the buttons are buttons (Tab, Enter, Space); with the focus on the map or its buttons,
// + and - zoom, the arrow keys move and 0 resets. A pointer can drag the zoomed map.

const STEP = 1.6;
const MAX_ZOOM = 12;

for (const figure of document.querySelectorAll("figure.map-zoomable")) {
  for (const svg of figure.querySelectorAll("svg.map")) enhance(svg);
}

function enhance(svg) {
  const [x0, y0, w0, h0] = svg.getAttribute("viewBox").split(/\s+/).map(Number);
  const sea = svg.querySelector("rect.sea");
  const mapHeight = sea ? Number(sea.getAttribute("height")) : h0; // the legend band below stays out of the zoom
  const circles = [...svg.querySelectorAll("g.points circle")].map((c) => [c, Number(c.getAttribute("r"))]);
  const labels = svg.querySelector("g.labels");
  const labelSize = labels ? Number(labels.getAttribute("font-size")) : 0;
  const legend = svg.querySelector("g.legend");
  const view = { zoom: 1, cx: x0 + w0 / 2, cy: y0 + mapHeight / 2 };

  const bar = document.createElement("div");
  bar.className = "map-zoom";
  bar.setAttribute("role", "group");
  bar.setAttribute("aria-label", "Zoom and move the map");
  const status = document.createElement("span");
  status.className = "map-zoom-status";
  status.setAttribute("aria-live", "polite");
  for (const [text, label, action] of [
    ["+", "Zoom in", () => zoomBy(STEP)], ["\u2212", "Zoom out", () => zoomBy(1 / STEP)],
    ["\u2190", "Move west", () => move(-1, 0)], ["\u2191", "Move north", () => move(0, -1)],
    ["\u2193", "Move south", () => move(0, 1)], ["\u2192", "Move east", () => move(1, 0)],
    ["Reset", "Reset the map to its whole extent", () => reset()],
  ]) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = text;
    button.setAttribute("aria-label", label);
    button.title = label;
    button.addEventListener("click", action);
    bar.append(button);
  }
  bar.append(status);
  svg.before(bar);
  svg.setAttribute("tabindex", "0");
  for (const target of [svg, bar]) target.addEventListener("keydown", onKey);
  dragToPan();

  function onKey(event) {
    const keys = { "+": () => zoomBy(STEP), "=": () => zoomBy(STEP), "-": () => zoomBy(1 / STEP),
      "0": () => reset(), ArrowLeft: () => move(-1, 0), ArrowRight: () => move(1, 0),
      ArrowUp: () => move(0, -1), ArrowDown: () => move(0, 1) };
    const action = keys[event.key];
    if (!action || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key.startsWith("Arrow") && view.zoom === 1) return; // nothing to move: let the page scroll
    event.preventDefault();
    action();
  }

  function zoomBy(factor) {
    view.zoom = Math.min(MAX_ZOOM, Math.max(1, view.zoom * factor));
    draw();
  }

  function move(dx, dy) {
    view.cx += (dx * w0) / view.zoom / 4;
    view.cy += (dy * mapHeight) / view.zoom / 4;
    draw();
  }

  function reset() {
    view.zoom = 1;
    view.cx = x0 + w0 / 2;
    view.cy = y0 + mapHeight / 2;
    draw();
  }

  function draw() {
    const w = w0 / view.zoom;
    const h = mapHeight / view.zoom;
    // Keep the view inside the map.
    view.cx = Math.min(x0 + w0 - w / 2, Math.max(x0 + w / 2, view.cx));
    view.cy = Math.min(y0 + mapHeight - h / 2, Math.max(y0 + h / 2, view.cy));
    const full = view.zoom === 1;
    // Zoomed, the legend's band is hidden: its sizes no longer match the points drawn.
    svg.setAttribute("viewBox", full ? `${x0} ${y0} ${w0} ${h0}` : `${view.cx - w / 2} ${view.cy - h / 2} ${w} ${h}`);
    if (legend) legend.style.display = full ? "" : "none";
    for (const [circle, r] of circles) circle.setAttribute("r", String(r / view.zoom));
    if (labels) labels.setAttribute("font-size", String(labelSize / view.zoom));
    status.textContent = full ? "" : `Zoomed ${Math.round(view.zoom * 10) / 10} times`;
  }

  function dragToPan() {
    let start = null;
    let moved = false;
    svg.addEventListener("pointerdown", (event) => {
      if (view.zoom === 1 || event.button !== 0) return;
      start = { x: event.clientX, y: event.clientY, cx: view.cx, cy: view.cy };
      moved = false;
    });
    svg.addEventListener("pointermove", (event) => {
      if (!start) return;
      const dx = event.clientX - start.x;
      const dy = event.clientY - start.y;
      if (!moved && Math.hypot(dx, dy) < 5) return; // a click on a point, not a drag
      if (!moved) svg.setPointerCapture(event.pointerId);
      moved = true;
      const scale = w0 / view.zoom / svg.getBoundingClientRect().width; // viewBox units per screen pixel
      view.cx = start.cx - dx * scale;
      view.cy = start.cy - dy * scale;
      draw();
    });
    const end = () => { start = null; };
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", end);
    // A drag that ends on a point does not follow its link.
    svg.addEventListener("click", (event) => {
      if (moved) { event.preventDefault(); moved = false; }
    }, true);
  }
}
