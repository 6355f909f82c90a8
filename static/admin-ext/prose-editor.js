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
