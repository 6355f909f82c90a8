// Rich-text editor for the admin's text areas marked data-ht-prose-editor.
//
// The same editor as django-prose-editor's "configurable" preset, started without what the
// site's Content-Security-Policy refuses: no inline import map (the editor module is loaded by
// the URL the server put in data-ht-prose-editor-module) and no injected <style> element
// (injectCSS: false; the styles are in admin-ext/prose-editor.css).
//
// The toolbar speaks the editor's language: django-prose-editor writes its buttons' tooltips
// and its paragraph/heading choices in English, so they are translated here through Django's
// JavaScript catalog (the admin's jsi18n, loaded before this module); its dialogs (the link's
// "URL", "Title", "Update"…) ask that catalog themselves.
//
// The writing area checks the spelling in the field's language (the text area's lang, set by
// the server: body_fr → fr), and what is pasted from Word arrives as the editor's own
// headings, lists and links (cleanPastedHTML below).

const SELECTOR = "textarea[data-ht-prose-editor]";
const started = new WeakSet();

const gettext = window.gettext || ((text) => text);
const interpolate = window.interpolate || ((text, values) => text.replace("%s", values[0]));

// django-prose-editor's English texts (tooltips, text alternatives, menu choices) → ours.
const TEXTS = new Map([
  ["paragraph", gettext("Paragraph")],
  ["Paragraph", gettext("Paragraph")],
  ["bold", gettext("Bold")],
  ["italic", gettext("Italic")],
  ["underline", gettext("Underline")],
  ["strike", gettext("Strikethrough")],
  ["unordered list", gettext("Bulleted list")],
  ["ordered list", gettext("Numbered list")],
  ["blockquote", gettext("Quotation")],
  ["insert link", gettext("Insert or edit a link")],
  ["remove link", gettext("Remove the link")],
  ["horizontal rule", gettext("Horizontal line")],
  ["undo", gettext("Undo")],
  ["redo", gettext("Redo")],
]);
const HEADING = /^heading (\d)$/i;

function translated(text) {
  if (TEXTS.has(text)) return TEXTS.get(text);
  const heading = HEADING.exec(text);
  return heading ? interpolate(gettext("Heading %s"), [heading[1]]) : null;
}

function translateElement(element) {
  for (const name of ["title", "aria-label"]) {
    const value = element.getAttribute(name);
    const text = value && translated(value);
    if (text && text !== value) element.setAttribute(name, text);
  }
  // A menu choice: a paragraph or heading element holding only its English name.
  if (element.childElementCount === 0 && /^(P|H[1-6])$/.test(element.tagName)) {
    const text = translated(element.textContent);
    if (text && text !== element.textContent) element.textContent = text;
  }
}

function translateTree(root) {
  translateElement(root);
  for (const element of root.querySelectorAll("[title], [aria-label], p, h1, h2, h3, h4, h5, h6")) {
    translateElement(element);
  }
}

// The menu bar outside the editing area: its buttons and choices, also those it shows later.
function translateMenu(wrapper, editingArea) {
  const inMenu = (node) => node instanceof Element && !editingArea.contains(node);
  for (const child of wrapper.children) if (inMenu(child)) translateTree(child);
  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      for (const node of mutation.addedNodes) if (inMenu(node)) translateTree(node);
    }
  }).observe(wrapper, { childList: true, subtree: true });
}

// --- Pasting from Word ------------------------------------------------------------------------
//
// Word puts its lists on the clipboard as paragraphs (class MsoListParagraph…, style
// "mso-list:l0 level2 lfo1") that start with a typed marker ("·", "o", "1.", "a)") in a span
// marked "mso-list:Ignore"; its headings are h1–h6, its blank lines paragraphs of &nbsp;. Here
// the lists become real <ul>/<ol> (nested by level), h1 becomes h2 and h4–h6 become h3 (the
// levels editors may use), and blank paragraphs and Word's own markup go. The editor's schema
// keeps only what it knows of the rest (bold, italic, links) and the server sanitises again.

const WORD_LIST = /mso-list:\s*(l\d+)\s+level(\d+)/i;
const WORD_LIST_MARKER = /mso-list:\s*ignore/i;
const ORDERED_MARKER = /^\(?([0-9]+|[a-z]|[ivxlcdm]+)[.)]$/i;
const HEADING_LEVELS = { H1: "h2", H2: "h2", H3: "h3", H4: "h3", H5: "h3", H6: "h3" };

function renamed(element, tagName) {
  const replacement = element.ownerDocument.createElement(tagName);
  replacement.append(...element.childNodes);
  element.replaceWith(replacement);
  return replacement;
}

// {level, ordered} for a Word list paragraph (its marker removed), else null.
function wordListItem(paragraph) {
  const style = paragraph.getAttribute("data-word-style") || "";
  const match = WORD_LIST.exec(style);
  if (!match && !/^MsoListParagraph/i.test(paragraph.className)) return null;
  let marker = "";
  for (const span of paragraph.querySelectorAll("span[data-word-style]")) {
    if (WORD_LIST_MARKER.test(span.getAttribute("data-word-style"))) {
      marker = span.textContent.replace(/[\s\u00a0]+/g, "");
      span.remove();
      break;
    }
  }
  return { level: match ? Number(match[2]) : 1, ordered: ORDERED_MARKER.test(marker) };
}

// Consecutive list paragraphs → lists, nested by their level.
function buildLists(doc, items) {
  const roots = [];
  const open = []; // [{list, level}], innermost last
  for (const { paragraph, level, ordered } of items) {
    while (open.length && open.at(-1).level > level) open.pop();
    if (!open.length || open.at(-1).level < level) {
      const list = doc.createElement(ordered ? "ol" : "ul");
      const parent = open.at(-1);
      if (parent) (parent.list.lastElementChild || parent.list).append(list);
      else roots.push(list);
      open.push({ list, level });
    }
    const item = doc.createElement("li");
    item.append(renamed(paragraph, "p"));
    open.at(-1).list.append(item);
  }
  return roots;
}

function isBlank(element) {
  return !element.querySelector("img") && !element.textContent.replace(/[\s\u00a0]+/g, "");
}

// The parsed clipboard shares the page's Content-Security-Policy, which refuses inline styles:
// Word's are renamed before parsing (read, never applied) and its <style> elements dropped.
function withoutInlineStyles(html) {
  return html
    .replace(/<style[\s\S]*?<\/style\s*>/gi, "")
    .replace(/(<[a-z][^>]*?\s)style\s*=/gi, "$1data-word-style=");
}

export function cleanPastedHTML(html) {
  const doc = new DOMParser().parseFromString(withoutInlineStyles(html), "text/html");
  const body = doc.body;
  // Word's comments (<!--[if !supportLists]-->…) and its own elements (<o:p>).
  const comments = doc.createTreeWalker(body, NodeFilter.SHOW_COMMENT);
  const found = [];
  while (comments.nextNode()) found.push(comments.currentNode);
  for (const comment of found) comment.remove();
  for (const element of [...body.querySelectorAll("*")]) {
    if (element.tagName.includes(":")) element.replaceWith(...element.childNodes);
  }
  for (const heading of body.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    if (HEADING_LEVELS[heading.tagName] !== heading.tagName.toLowerCase()) {
      renamed(heading, HEADING_LEVELS[heading.tagName]);
    }
  }
  // Runs of list paragraphs, each run made into its lists in its place.
  for (const paragraph of [...body.querySelectorAll("p")]) {
    if (!paragraph.isConnected || paragraph.closest("li")) continue;
    const run = [];
    let node = paragraph;
    while (node) {
      if (node.nodeType === Node.TEXT_NODE && !node.textContent.trim()) {
        node = node.nextSibling;
        continue;
      }
      const item = node.tagName === "P" && wordListItem(node);
      if (!item) break;
      run.push({ paragraph: node, ...item });
      node = node.nextSibling;
    }
    if (!run.length) continue;
    const marker = doc.createComment("list");
    paragraph.before(marker);
    marker.replaceWith(...buildLists(doc, run));
  }
  for (const paragraph of [...body.querySelectorAll("p")]) {
    if (isBlank(paragraph)) paragraph.remove();
  }
  for (const element of body.querySelectorAll("[class], [data-word-style]")) {
    element.removeAttribute("class");
    element.removeAttribute("data-word-style");
  }
  return body.innerHTML;
}

async function start(textarea) {
  if (started.has(textarea) || textarea.id.includes("__prefix__")) return;
  started.add(textarea);
  const config = JSON.parse(textarea.dataset.htProseEditor);
  const editorModule = await import(textarea.dataset.htProseEditorModule);
  const extensions = [];
  for (const [name, options] of Object.entries(config.extensions || {})) {
    const extension = editorModule[name];
    if (!extension) continue;
    extensions.push(typeof options === "object" ? extension.configure(options) : extension);
  }
  const disabled = textarea.hasAttribute("disabled");
  const wrapper = document.createElement("div");
  wrapper.className = disabled ? "prose-editor disabled" : "prose-editor";
  textarea.before(wrapper);
  wrapper.append(textarea);
  const editor = new editorModule.Editor({
    element: wrapper,
    editable: !disabled,
    extensions,
    content: textarea.value,
    injectCSS: false,
    editorProps: {
      attributes: { spellcheck: "true", ...(textarea.lang ? { lang: textarea.lang } : {}) },
      transformPastedHTML: cleanPastedHTML,
    },
    onUpdate({ editor }) {
      const html = editor.getHTML();
      // An editor with nothing in it still holds one empty paragraph: store nothing.
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
    onDestroy() {
      wrapper.before(textarea);
      wrapper.remove();
    },
  });
  translateMenu(wrapper, editor.view.dom);
  // Screen readers announce the editing area with the field's own label.
  const label = textarea.id && document.querySelector(`label[for="${CSS.escape(textarea.id)}"]`);
  if (label) {
    if (!label.id) label.id = `${textarea.id}-label`;
    editor.view.dom.setAttribute("aria-labelledby", label.id);
  }
  editor.view.dom.setAttribute("role", "textbox");
  editor.view.dom.setAttribute("aria-multiline", "true");
  textarea.dispatchEvent(
    new CustomEvent("prose-editor:ready", { detail: { editor, textarea }, bubbles: true }),
  );
}

function startAll(root) {
  for (const textarea of root.querySelectorAll(SELECTOR)) {
    start(textarea).catch((error) => console.error("Rich-text editor failed to start:", error));
  }
}

startAll(document);
document.addEventListener("formset:added", (event) => startAll(event.target));
