// Editors never lose what they type (healing_together/unsaved.py has the server's side).
//
// On every admin page of a signed-in editor (<meta name="ht-session">):
// - typing or clicking counts as activity: the server is told at most every two minutes, so
//   a long stretch of writing does not end the session for "inactivity";
// - five minutes before the session would end for inactivity, a notice says so, with a button
//   to stay signed in; ten minutes before its total time is up, a notice says when, and asks
//   to save (that time cannot be extended);
// - on a form, what is typed or chosen (the pickers too) is kept in this browser (localStorage)
//   until the form is saved;
//   coming back to the form offers it again ("Restore" / "Discard"). Signing out on purpose
//   removes every draft, so nothing is left on a shared computer.
// Without JavaScript none of this runs, and a form saved after the session ended is still kept
// by the server through the sign-in.
(() => {
  const meta = document.querySelector('meta[name="ht-session"]');
  if (!meta) return;
  const gettext = window.gettext || ((text) => text);
  const interpolate =
    window.interpolate || ((text, values) => text.replace(/%s/g, () => values.shift()));

  const MINUTE = 60 * 1000;
  const PING_EVERY = 2 * MINUTE;
  const WARN_IDLE = 5 * MINUTE;
  const WARN_TOTAL = 10 * MINUTE;
  const DRAFT_PREFIX = "ht-draft:";
  const DRAFT_DAYS = 30;

  let idleEnds = Date.now() + Number(meta.dataset.idle) * 1000;
  const totalEnds = Date.now() + Number(meta.dataset.total) * 1000;
  let lastPing = Date.now();
  let signedOut = false;

  // --- The notice ------------------------------------------------------------------------
  const notice = document.createElement("div");
  notice.className = "ht-session-notice";
  notice.hidden = true;
  const noticeText = document.createElement("p");
  noticeText.setAttribute("role", "status");
  const stay = document.createElement("button");
  stay.type = "button";
  stay.className = "button";
  stay.textContent = gettext("Stay signed in");
  stay.addEventListener("click", () => ping());
  notice.append(noticeText, stay);
  (document.getElementById("content") || document.body).prepend(notice);

  function say(text, canStay) {
    if (noticeText.textContent !== text) noticeText.textContent = text;
    stay.hidden = !canStay;
    notice.hidden = false;
  }

  function clock(time) {
    return new Date(time).toLocaleTimeString(document.documentElement.lang || undefined, {
      hour: "2-digit",
      minute: "2-digit",
    });
  }

  function check() {
    const now = Date.now();
    if (signedOut || now >= idleEnds || now >= totalEnds) {
      say(
        gettext(
          "Your session has ended. What you typed is kept: save as usual and sign in again when asked.",
        ),
        false,
      );
    } else if (totalEnds - now <= WARN_TOTAL) {
      say(
        interpolate(
          gettext("For your safety you will be signed out at %s. Save your work before then."),
          [clock(totalEnds)],
        ),
        false,
      );
    } else if (idleEnds - now <= WARN_IDLE) {
      const minutes = Math.max(1, Math.ceil((idleEnds - now) / MINUTE));
      say(
        interpolate(
          ngettext(
            "Nothing has happened for a while: you will be signed out in %s minute.",
            "Nothing has happened for a while: you will be signed out in %s minutes.",
            minutes,
          ),
          [minutes],
        ),
        true,
      );
    } else {
      notice.hidden = true;
    }
  }

  function ngettext(one, many, n) {
    return window.ngettext ? window.ngettext(one, many, n) : n === 1 ? one : many;
  }

  async function ping() {
    lastPing = Date.now();
    try {
      const response = await fetch(meta.dataset.keepalive, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": meta.dataset.csrf, Accept: "application/json" },
      });
      if (response.status === 401 || response.redirected) {
        signedOut = true;
      } else if (response.ok) {
        const left = await response.json();
        idleEnds = Date.now() + left.idle * 1000;
      }
    } catch (error) {
      // Offline for a moment: the next activity tries again.
      lastPing = 0;
    }
    check();
  }

  function active() {
    if (!signedOut && Date.now() - lastPing >= PING_EVERY) ping();
  }

  for (const type of ["keydown", "input", "pointerdown"]) {
    document.addEventListener(type, active, { capture: true, passive: true });
  }
  setInterval(check, 15 * 1000);
  check();

  // --- Drafts of the open form -----------------------------------------------------------
  const form = document.querySelector('#content-main form[method="post" i][id$="_form"]');
  const logout = document.getElementById("logout-form");
  if (logout) {
    logout.addEventListener("submit", () => {
      for (const key of Object.keys(localStorage)) {
        if (key.startsWith(DRAFT_PREFIX)) localStorage.removeItem(key);
      }
    });
  }
  forgetOldDrafts();
  if (!form) return;

  const key = `${DRAFT_PREFIX}${meta.dataset.user}:${location.pathname}`;
  const editors = new Map(); // textarea id → the rich-text editor shown over it
  document.addEventListener("prose-editor:ready", (event) => {
    editors.set(event.detail.textarea.id, event.detail.editor);
  });

  function kept(element) {
    if (!element.name || element.disabled || element.name === "csrfmiddlewaretoken") return false;
    if (element.tagName === "TEXTAREA") return true;
    if (element.tagName === "SELECT") return !(element.multiple && element.id.endsWith("_from"));
    return !["hidden", "file", "password", "submit", "button", "reset", "image"].includes(
      element.type,
    );
  }

  // Django's two-box pickers (audiences, topics…): what is chosen is every code in the
  // "chosen" box, selected or not (SelectBox keeps them, also those a filter hides).
  const picker = (element) =>
    element.multiple && element.id.endsWith("_to") && window.SelectBox && SelectBox.cache[element.id];

  function chosen(element) {
    if (picker(element)) return SelectBox.cache[element.id].map((option) => option.value).sort();
    return [...element.selectedOptions].map((option) => option.value).sort();
  }

  function values() {
    const found = {};
    for (const element of form.elements) {
      if (!kept(element)) continue;
      if (element.tagName === "SELECT" && element.multiple) {
        found[element.name] = chosen(element);
        continue;
      }
      let value = element.value;
      if (element.type === "checkbox" || element.type === "radio") {
        value = element.checked ? element.value : null;
        if (value === null) continue;
      }
      (found[element.name] ||= []).push(value);
    }
    return found;
  }

  function choose(element, wanted) {
    if (!picker(element)) {
      for (const option of element.options) option.selected = wanted.includes(option.value);
      return;
    }
    const to = element.id;
    const from = to.slice(0, -"_to".length) + "_from";
    SelectBox.filter(from, "");
    SelectBox.filter(to, "");
    const pick = (id, yes) => {
      for (const option of document.getElementById(id).options) option.selected = yes(option.value);
    };
    pick(from, (value) => wanted.includes(value));
    SelectBox.move(from, to);
    pick(to, (value) => !wanted.includes(value));
    SelectBox.move(to, from);
    SelectBox.sort(to);
    SelectBox.redisplay(to);
    if (window.SelectFilter) SelectFilter.refresh_icons(to.slice(0, -"_to".length));
  }

  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const atLoad = values();

  function readDraft() {
    try {
      return JSON.parse(localStorage.getItem(key));
    } catch (error) {
      return null;
    }
  }

  let timer = null;
  function keepDraft() {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const now = values();
      try {
        if (same(now, atLoad)) localStorage.removeItem(key);
        else localStorage.setItem(key, JSON.stringify({ at: Date.now(), fields: now }));
      } catch (error) {
        // Storage full or refused: the server still keeps a save made after expiry.
      }
    }, 800);
  }
  // Typing, choosing, and the pickers' arrows (which move codes without a change event).
  for (const type of ["input", "change", "click", "dblclick", "keyup"]) {
    form.addEventListener(type, keepDraft);
  }
  form.addEventListener("submit", () => {
    clearTimeout(timer);
    localStorage.removeItem(key);
  });

  function restore(fields) {
    for (const element of form.elements) {
      if (!kept(element)) continue;
      const wanted = fields[element.name] || [];
      if (element.tagName === "SELECT" && element.multiple) {
        choose(element, wanted);
      } else if (element.type === "checkbox" || element.type === "radio") {
        element.checked = wanted.includes(element.value);
      } else if (wanted.length) {
        element.value = wanted[0];
        const editor = editors.get(element.id);
        if (editor) editor.commands.setContent(wanted[0]);
      }
      element.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  const draft = readDraft();
  if (draft && draft.fields && !same(draft.fields, atLoad)) {
    const offer = document.createElement("div");
    offer.className = "ht-draft-offer";
    offer.setAttribute("role", "region");
    offer.setAttribute("aria-label", gettext("Unsaved changes"));
    const text = document.createElement("p");
    const when = new Date(draft.at);
    text.textContent = interpolate(
      gettext("This browser kept changes to this form that were not saved (%s, %s)."),
      [when.toLocaleDateString(document.documentElement.lang || undefined), clock(draft.at)],
    );
    const restoreButton = document.createElement("button");
    restoreButton.type = "button";
    restoreButton.className = "button default";
    restoreButton.textContent = gettext("Restore them");
    const discardButton = document.createElement("button");
    discardButton.type = "button";
    discardButton.className = "button";
    discardButton.textContent = gettext("Discard them");
    restoreButton.addEventListener("click", () => {
      restore(draft.fields);
      text.textContent = gettext("Your changes are back in the form. Check them, then save.");
      restoreButton.remove();
      discardButton.remove();
      text.setAttribute("tabindex", "-1");
      text.focus();
    });
    discardButton.addEventListener("click", () => {
      localStorage.removeItem(key);
      offer.remove();
    });
    offer.append(text, restoreButton, discardButton);
    form.before(offer);
  }

  function forgetOldDrafts() {
    const oldest = Date.now() - DRAFT_DAYS * 24 * 60 * MINUTE;
    for (const name of Object.keys(localStorage)) {
      if (!name.startsWith(DRAFT_PREFIX)) continue;
      try {
        if ((JSON.parse(localStorage.getItem(name)) || {}).at < oldest) {
          localStorage.removeItem(name);
        }
      } catch (error) {
        localStorage.removeItem(name);
      }
    }
  }
})();
