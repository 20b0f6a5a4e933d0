// The site's search index, loaded for the search page (search.js): Pagefind's own search library,
// over an index the build writes in shards (generator/searchindex.py, docs/architecture.md).
//
// pagefind/ holds Pagefind's runtime and shard 0's index; pagefind/docket-shards.json names the
// folders of the other shards, which are merged in with Pagefind's mergeIndex. Each shard is given
// a filter of its own (SHARD, through Pagefind's mergeFilter), which the page never shows. Merged,
// the shards search as one index of the same records does, given three corrections made here:
// - Counts: Pagefind adds each shard's filter counts up, right as they are, since no record is in
//   two shards.
// - Words: in one index a query's word that no record holds is left out, and the other words must
//   all be in a result. A shard leaves out a word none of ITS records holds, so it would answer
//   "river quetzal" with its records holding "river". For a query of several words, the shards
//   holding each word (that any shard holds) are found first, and the query is run in the shards
//   holding them all (SHARD filter), which also makes the counts Pagefind returns right.
// - Order: Pagefind puts merged results in order of each shard's own rank, which for a sorted
//   search is a position in that shard alone. Sorted results are put in order here by the values
//   each shard lists in docket-sort.json (its records' sort values by result id), ties by id.
//
// openSearchIndex returns what the page uses of Pagefind's API: search, debouncedSearch, filters
// and preload, with Pagefind's own answers.

const SHARD = "docket_shard";

export async function openSearchIndex(bundleHref, rootHref) {
  const bundle = new URL(bundleHref, document.baseURI);
  const site = new URL(rootHref, document.baseURI);
  const folder = new URL(".", bundle);
  const listing = await fetchJson(new URL("docket-shards.json", folder));
  const shards = (listing.shards || []).map((name) => new URL(name, folder));
  const pagefind = await import(bundle.href);
  // Results are site paths ("incidents/x/"): the site's root, wherever it is served, comes first.
  const options = { baseUrl: site.pathname, excerptLength: 24 };
  if (!shards.length) {
    await pagefind.options(options);
    await pagefind.init();
    return pagefind; // one index: nothing to correct
  }
  await pagefind.options({ ...options, mergeFilter: { [SHARD]: "0" } });
  await pagefind.init();
  await Promise.all(shards.map((shard, k) =>
    pagefind.mergeIndex(shard.pathname, { ...options, mergeFilter: { [SHARD]: String(k + 1) } })));

  let sortFiles = null; // every shard's docket-sort.json, fetched when a sorted search first needs them
  async function sortValues(key) {
    sortFiles ||= Promise.all([folder, ...shards].map((f) => fetchJson(new URL("docket-sort.json", f))));
    const values = new Map();
    for (const file of await sortFiles) {
      for (const [id, value] of Object.entries(file[key] || {})) values.set(id, value);
    }
    return values;
  }

  async function sorted(found, options) {
    const [key, direction] = Object.entries(options.sort || {})[0] || [];
    if (!key) return found;
    const values = await sortValues(key);
    const sign = direction === "asc" ? 1 : -1;
    const rank = (a, b) => compare(values.get(a.id), values.get(b.id), sign) || compare(a.id, b.id, 1);
    return { ...found, results: [...found.results].sort(rank) };
  }

  // The shards holding every word of ``term`` that any shard holds; null when that is all of them.
  async function holdingAll(term) {
    const words = term.trim().split(/\s+/).filter(Boolean);
    if (words.length < 2 || /^\s*".+"\s*$/.test(term)) return null; // one word, or an exact phrase
    let holding = null;
    for (const word of words) {
      const found = await pagefind.search(word, {});
      const counts = (found && found.filters[SHARD]) || {};
      const here = Object.keys(counts).filter((k) => counts[k] > 0);
      if (here.length) holding = holding ? holding.filter((k) => here.includes(k)) : here;
    }
    return holding === null || holding.length === shards.length + 1 ? null : holding;
  }

  async function search(term, options = {}) {
    const holding = term ? await holdingAll(term) : null;
    let found;
    if (holding === null) {
      found = await pagefind.search(term, options);
    } else {
      const only = { [SHARD]: { any: holding.length ? holding : ["none"] } };
      found = await pagefind.search(term, { ...options, filters: { ...(options.filters || {}), ...only } });
      const unfiltered = await pagefind.search(term, { filters: only });
      found = { ...found, totalFilters: unfiltered.filters, unfilteredResultCount: unfiltered.results.length };
    }
    if (!found) return found;
    found = await sorted(found, options);
    return { ...found, filters: hidden(found.filters), totalFilters: hidden(found.totalFilters) };
  }

  let latest = 0;
  return {
    search,
    debouncedSearch: async (term, options = {}, wait = 300) => {
      const number = ++latest;
      await new Promise((resolve) => setTimeout(resolve, wait));
      if (number !== latest) return null;
      const found = await search(term, options);
      return number === latest ? found : null;
    },
    filters: async () => hidden(await pagefind.filters()),
    preload: (term, options) => pagefind.preload(term, options),
  };
}

// Filter counts without the shards' own filter.
function hidden(filters) {
  const { [SHARD]: _shard, ...shown } = filters || {};
  return shown;
}

async function fetchJson(url) {
  const response = await fetch(url, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

// a before b: -1, after: 1, the same: 0; in the direction ``sign`` (-1: descending), missing values last.
function compare(a, b, sign) {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return (a < b ? -1 : 1) * sign;
}
