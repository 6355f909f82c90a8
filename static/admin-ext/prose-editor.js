// Rich-text editor for the admin's text areas marked data-ht-prose-editor.
//
// The same editor as django-prose-editor's "configurable" preset, started without what the
// site's Content-Security-Policy refuses: no inline import map (the editor module is loaded by
// the URL the server put in data-ht-prose-editor-module) and no injected <style> element
// (injectCSS: false; the styles are in admin-ext/prose-editor.css).

const SELECTOR = "textarea[data-ht-prose-editor]";
const started = new WeakSet();

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
