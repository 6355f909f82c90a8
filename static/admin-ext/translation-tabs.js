// Marks the language tabs (django-modeltranslation's NL / FR / EN tabs) whose field is empty,
// in words and with a sign, not by colour alone, and keeps the marks up to date as the editor
// types; and names what modeltranslation leaves unnamed. modeltranslation builds the tabs when
// its jQuery is ready, which may come before or after "load": the page is watched for them. The
// words come from Django's JavaScript catalog (the admin's jsi18n, loaded before this file).
//
// jQuery UI makes each <li> the tab (role="tab", focusable) and leaves a link inside it, which
// screen readers meet as a second control nested in the first (axe: nested-interactive). Once
// jQuery UI has read a link's panel, the link loses its href (it keeps the panel's id in
// data-ht-panel) and is then plain text in the tab; jQuery UI is told that such a link's panel
// is on the page, so it never tries to fetch it. A click or the arrow keys still switch tabs.

(function () {
  "use strict";

  const gettext = window.gettext || ((text) => text);
  const EMPTY = gettext("empty");

  // A rich-text field keeps "<p></p>" when emptied: only its text counts.
  function isEmpty(field) {
    const value = field.value || "";
    if (field.tagName === "TEXTAREA" && value.indexOf("<") !== -1) {
      const scratch = document.createElement("div");
      scratch.innerHTML = value.replace(/<script[\s\S]*?<\/script>/gi, "");
      return scratch.textContent.trim() === "";
    }
    return value.trim() === "";
  }

  function mark(link, field) {
    let marker = link.querySelector(".ht-tab-empty");
    const empty = isEmpty(field);
    link.classList.toggle("ht-tab-is-empty", empty);
    if (empty && !marker) {
      marker = document.createElement("span");
      marker.className = "ht-tab-empty";
      const sign = document.createElement("span");
      sign.setAttribute("aria-hidden", "true");
      sign.textContent = " ∅";
      const words = document.createElement("span");
      words.className = "ht-visually-hidden";
      words.textContent = " (" + EMPTY + ")";
      marker.append(sign, words);
      link.append(marker);
    } else if (!empty && marker) {
      marker.remove();
    }
  }

  // Tabs whose link has no href any more still show a panel of this page (see above).
  function keepTabsLocal() {
    const jq = (window.django && window.django.jQuery) || window.jQuery;
    const tabs = jq && jq.ui && jq.ui.tabs;
    if (!tabs || tabs.prototype.htLocalPanels) {
      return Boolean(tabs);
    }
    const isLocal = tabs.prototype._isLocal;
    tabs.prototype._isLocal = function (anchor) {
      return Boolean(anchor.dataset && anchor.dataset.htPanel) || isLocal.call(this, anchor);
    };
    tabs.prototype.htLocalPanels = true;
    return true;
  }

  function start() {
    // modeltranslation's "all languages" switch above the form comes without a label.
    const mainSwitch = document.getElementById("modeltranslation-main-switch");
    if (mainSwitch && !mainSwitch.labels.length && !mainSwitch.hasAttribute("aria-label")) {
      mainSwitch.setAttribute("aria-label", gettext("Language of every field"));
    }
    // Each link is set up once.
    const links = document.querySelectorAll('.ui-tabs-nav a[href^="#tab_"]:not([data-ht-panel])');
    links.forEach((link) => {
      const panelId = link.getAttribute("href").slice(1);
      link.dataset.htPanel = panelId;
      const field = document.getElementById(panelId.slice("tab_".length));
      if (!field) {
        return;
      }
      const update = () => mark(link, field);
      update();
      field.addEventListener("input", update);
      field.addEventListener("change", update);
      // The rich-text editor writes its text area when the editor loses focus or types.
      const panel = document.getElementById(panelId);
      if (panel) {
        panel.addEventListener("input", update);
        panel.addEventListener("focusout", update);
      }
    });
    // Links jQuery UI has read: plain text inside their tab from now on.
    const read = document.querySelectorAll(".ui-tabs-nav a.ui-tabs-anchor[href][data-ht-panel]");
    if (read.length && keepTabsLocal()) {
      read.forEach((link) => link.removeAttribute("href"));
    }
  }

  start();
  new MutationObserver(start).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
})();
