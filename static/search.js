// The search page. Folds the query exactly as generator/search.py folded the index (hamza and alef
// forms, diacritics, Arabic-Indic digits), asks Pagefind for this page's language, lists the results.
// Everything else on the site works without JavaScript; this page says so until this script runs.

const MAX_RESULTS = 30;
const box = document.getElementById("search");
const form = box.querySelector("form");
const input = form.elements.namedItem("q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const fold = new Map(Object.entries(JSON.parse(document.getElementById("search-fold").textContent)));
let pagefind = null;

/** The query as the index holds text: folded character by character, lower-cased, single spaces. */
function normalise(text) {
  let folded = "";
  for (const char of text) folded += fold.has(char) ? fold.get(char) : char.toLowerCase();
  return folded.split(/\s+/).filter(Boolean).join(" ");
}

function localDigits(number) {
  const text = String(number);
  return box.dataset.arabicIndic === "true" ? text.replace(/\d/g, (d) => "٠١٢٣٤٥٦٧٨٩"[d]) : text;
}

async function loadEngine() {
  // The index comes in shards (per year or month), newest first: Pagefind's script is loaded from
  // the first and the others are merged into it. Addresses are resolved against the page, so the
  // site works under any sub-path; Pagefind takes the site's base URL from where its files are.
  const listing = new URL(box.dataset.indexes, document.baseURI);
  const response = await fetch(listing);
  if (!response.ok) throw new Error(`${listing}: ${response.status}`);
  const [first, ...others] = (await response.json()).map((folder) => new URL(folder, listing).href);
  const loaded = await import(new URL("pagefind.js", first).href);
  await Promise.all(others.map((folder) => loaded.mergeIndex(folder)));
  return loaded;
}

/** Pagefind with every shard merged, loaded once (a failed load is tried again on the next search). */
function engine() {
  pagefind ??= loadEngine().catch((error) => {
    pagefind = null;
    throw error;
  });
  return pagefind;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

function resultItem(result) {
  const item = element("li", "search-result");
  const heading = element("h2", "search-title");
  const link = element("a", "", result.meta.title);
  link.href = result.meta.href; // relative to this page: Pagefind's own URL is the record page's
  heading.append(link);
  item.append(heading);
  if (result.meta.date) {
    const date = element("time", "search-date", result.meta.date);
    if (result.meta.datetime) date.dateTime = result.meta.datetime;
    item.append(date);
  }
  if (result.meta.summary) item.append(element("p", "search-summary", result.meta.summary));
  return item;
}

function unavailable() {
  const archive = element("a", "", box.dataset.archiveLabel);
  archive.href = box.dataset.archive;
  status.replaceChildren(box.dataset.failed + " ", archive);
}

async function run(query) {
  list.replaceChildren();
  const folded = normalise(query);
  if (!folded) {
    status.textContent = box.dataset.prompt;
    return;
  }
  status.textContent = box.dataset.loading;
  try {
    const search = await (await engine()).search(folded);
    const results = await Promise.all(search.results.slice(0, MAX_RESULTS).map((result) => result.data()));
    status.textContent = results.length
      ? box.dataset.results.replace("{count}", localDigits(search.results.length))
      : box.dataset.none;
    list.replaceChildren(...results.map(resultItem));
  } catch (error) {
    console.error(error);
    unavailable();
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const url = new URL(location.href);
  url.searchParams.set("q", input.value);
  history.replaceState(null, "", url);
  run(input.value);
});

input.value = new URLSearchParams(location.search).get("q") || "";
run(input.value);
