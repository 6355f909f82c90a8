// Django's pickers (filter_horizontal, SelectFilter2.js) put an aria-label on a bare <span>
// (the magnifier before their search field), which ARIA does not allow: give it the role of an
// image, whose name the label then is. SelectFilter2 builds the pickers on "load": the page is
// watched for them.

(function () {
  "use strict";

  function fix() {
    document.querySelectorAll(".selector span[aria-label]:not([role])").forEach((icon) => {
      icon.setAttribute("role", "img");
    });
  }

  fix();
  new MutationObserver(fix).observe(document.documentElement, { childList: true, subtree: true });
})();
