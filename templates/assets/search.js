// The search page (search.html): Pagefind's own search library, from the bundle the build writes
// into pagefind/, with the results drawn as a plain list and the filters as checkboxes.
//
// Progressive enhancement: the form is plain HTML, shown from the first paint; until the library
// has loaded, sending it reloads this page with the words in the address (search/?q=fire), which
// then searches them. Without JavaScript the page offers the site's lists (in <noscript>).
// Nothing is fetched from another host. The query and the ticked filters live in the address
// (search/?q=fire&kind=Incident), so a search can be bookmarked and shared, and the header's
// search form lands here with its words already searched.

import { openSearchIndex } from "./search-index.js";

const PAGE_SIZE = 10;
const GROUPS = [
  ["kind", "Kind"], ["tag", "Tag"], ["country", "Country"], ["year", "Year"], ["status", "Status"],
];
const KIND_ORDER = ["Incident", "Report", "Source", "Entity", "Place", "Country", "Tag", "Page"];
const OPEN_GROUPS = new Set(["kind"]);

const root = document.querySelector("[data-search]");
if (root) prefill(root);
if (root) {
  start(root).catch((error) => {
    console.warn("Docket search: Pagefind did not load", error);
    const status = root.querySelector("[data-search-status]");
    if (status) status.textContent = "Search is not available right now: its index could not be loaded.";
  });
}

async function start(root) {
  // Pagefind's search over the site's index, all its shards merged (search-index.js).
  const pagefind = await openSearchIndex(root.dataset.pagefind, root.dataset.root);

  const form = root.querySelector("[data-search-form]");
  const input = form.querySelector("input[name=q]");
  const filters = root.querySelector("[data-search-filters]");
  const status = root.querySelector("[data-search-status]");
  const list = root.querySelector("[data-search-results]");
  const more = root.querySelector("[data-search-more]");

  const totals = await pagefind.filters();
  drawFilters(filters, totals);
  const params = new URLSearchParams(location.search);
  for (const box of filters.querySelectorAll("input[type=checkbox]")) {
    box.checked = params.getAll(box.name).includes(box.value);
    if (box.checked) box.closest("details").open = true;
  }

  let latest = 0; // only the newest search may draw its results
  let shown = [];
  let next = 0;

  async function run() {
    const number = ++latest;
    const query = input.value.trim();
    const chosen = chosenFilters(filters);
    remember(query, filters);
    if (!query && !Object.keys(chosen).length) {
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "";
      showCounts(filters, totals, totals, false);
      return;
    }
    const options = { filters: chosen };
    if (!query) options.sort = { date: "desc" };
    const search = await pagefind.search(query || null, options);
    if (number !== latest || search === null) return; // a newer search has started
    // The old results stay until the new first page has loaded, then both change at once: the
    // list never flashes empty, and the status never describes results that are not there yet.
    const items = await load(search.results.slice(0, PAGE_SIZE));
    if (number !== latest) return;
    shown = search.results;
    next = items.length;
    list.replaceChildren(...items);
    // Pagefind gives no counts without the filters (totalFilters) for a search by filters alone: then
    // they are the whole site's.
    showCounts(filters, search.filters, query ? search.totalFilters : totals, true);
    more.hidden = next >= shown.length;
    status.textContent = describe(shown.length, query, chosen);
  }

  async function load(results) {
    const data = await Promise.all(results.map((result) => result.data()));
    return data.map(resultItem);
  }

  async function showMore(number, moveFocus) {
    const items = await load(shown.slice(next, next + PAGE_SIZE));
    if (number !== latest) return;
    list.append(...items);
    next += items.length;
    more.hidden = next >= shown.length;
    if (moveFocus && items.length) items[0].querySelector("a").focus();
  }

  let typing = 0;
  input.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(run, 250);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(typing);
    run();
  });
  filters.addEventListener("change", run);
  more.querySelector("button").addEventListener("click", () => showMore(latest, true));
  if (input.value.trim() || Object.keys(chosenFilters(filters)).length) await run();
}

function drawFilters(container, available) {
  GROUPS.forEach(([key, label], g) => {
    const counts = available[key] || {};
    const values = Object.keys(counts).sort(order(key));
    if (!values.length) return;
    const details = element("details", { className: "search-filter" });
    details.open = OPEN_GROUPS.has(key);
    details.append(element("summary", {}, label));
    const fieldset = element("fieldset");
    fieldset.append(element("legend", { className: "visually-hidden" }, `Show only results with this ${label.toLowerCase()}`));
    const ul = element("ul");
    values.forEach((value, v) => {
      const id = `search-filter-${g}-${v}`;
      const box = element("input", { type: "checkbox", id, name: key, value });
      const text = element("label", { htmlFor: id }, `${value} `);
      text.append(element("span", { className: "muted", dataset: { count: "" } }, `(${counts[value]})`));
      const li = element("li");
      li.append(box, " ", text);
      ul.append(li);
    });
    fieldset.append(ul);
    details.append(fieldset);
    container.append(details);
  });
}

function order(key) {
  if (key === "kind") return (a, b) => rank(a) - rank(b);
  if (key === "year") return (a, b) => b.localeCompare(a, undefined, { numeric: true });
  return (a, b) => a.localeCompare(b);
}

function rank(kind) {
  const at = KIND_ORDER.indexOf(kind);
  return at < 0 ? KIND_ORDER.length : at;
}

function chosenFilters(container) {
  const chosen = {};
  for (const box of container.querySelectorAll("input[type=checkbox]:checked")) {
    (chosen[box.name] ||= { any: [] }).any.push(box.value);
  }
  return chosen;
}

function remember(query, container) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const box of container.querySelectorAll("input[type=checkbox]:checked")) params.append(box.name, box.value);
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

function describe(count, query, chosen) {
  const what = count === 1 ? "1 result" : `${count.toLocaleString()} results`;
  const words = query ? ` for “${query}”` : "";
  const groups = Object.values(chosen).map((f) => f.any.join(" or "));
  const within = groups.length ? ` (${groups.join("; ")})` : "";
  return count ? `${what}${words}${within}.` : `No results${words}${within}.`;
}

// The counts beside the filters follow the search: how many of its results have each value
// (Pagefind's per-search counts). In a group with ticked values, the counts are the search's
// without the filters (totalFilters), as ticking another value there adds results rather than
// narrowing them. A value no result has is hidden while a search is shown, unless it is ticked.
function showCounts(container, counts, unfiltered, searching) {
  const chosen = chosenFilters(container);
  for (const details of container.querySelectorAll("details")) {
    let visible = 0;
    for (const li of details.querySelectorAll("li")) {
      const box = li.querySelector("input");
      const group = (chosen[box.name] ? unfiltered : counts) || {};
      const count = (group[box.name] || {})[box.value] || 0;
      li.querySelector("[data-count]").textContent = `(${count.toLocaleString()})`;
      li.hidden = searching && !count && !box.checked;
      if (!li.hidden) visible += 1;
    }
    details.hidden = !visible;
  }
}

// One result: its title as a link, then a line with its kind, date and place (or publisher, or
// what kind of entity it is), the incident's status and whether it is a fictional example, then
// the excerpt of its text with the words found marked.
function resultItem(data) {
  const meta = data.meta || {};
  const li = element("li", { className: "search-result" });
  const article = element("article");
  const title = element("h2", { className: "item-title" });
  title.append(element("a", { href: data.url }, meta.title || data.url));
  const line = element("p", { className: "item-meta" });
  line.append(element("span", { className: "badge item-kind" }, meta.kind || "Page"));
  if (meta.date) line.append(" ", element("span", { className: "item-date" }, meta.date));
  const where = [meta.type, meta.place || meta.publisher || meta.authors].filter(Boolean).join(", ");
  if (where) {
    if (meta.date) line.append(element("span", { className: "sep", ariaHidden: "true" }, " · "));
    else line.append(" ");
    line.append(element("span", { className: "place" }, where));
  }
  if (meta.status) {
    const badge = element("span", { className: `badge status status-${meta.status.toLowerCase()}` });
    badge.append(element("span", { className: "visually-hidden" }, "Status: "), meta.status);
    line.append(" ", badge);
  }
  if (meta.fictional) line.append(" ", element("span", { className: "badge badge-fictional" }, "Fictional example"));
  const excerpt = element("p", { className: "item-summary search-excerpt" });
  excerpt.append(...marked(data.excerpt || ""));
  article.append(title, line, excerpt);
  li.append(article);
  return li;
}

// The words of search/?q=..., in the form as soon as the script runs, before Pagefind has loaded,
// and a status that says the search is on its way.
function prefill(root) {
  const input = root.querySelector("[data-search-form] input[name=q]");
  const query = new URLSearchParams(location.search).get("q");
  if (input && query && !input.value) input.value = query;
  const status = root.querySelector("[data-search-status]");
  if (status && query && query.trim()) status.textContent = "Searching…";
}

// Pagefind's excerpt is HTML with <mark> around the words found. It is parsed in an inert
// document, and only its text and its <mark>s are kept: no other markup reaches the page.
function marked(excerpt) {
  const doc = new DOMParser().parseFromString(`<body>${excerpt}`, "text/html");
  return Array.from(doc.body.childNodes, (node) =>
    node.nodeName === "MARK" ? element("mark", {}, node.textContent) : document.createTextNode(node.textContent));
}

function element(name, properties = {}, text = "") {
  const el = document.createElement(name);
  for (const [key, value] of Object.entries(properties)) {
    if (key === "ariaHidden") el.setAttribute("aria-hidden", value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el[key] = value;
  }
  if (text) el.textContent = text;
  return el;
}
