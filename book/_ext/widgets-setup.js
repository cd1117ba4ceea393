// Runs (deferred) between require.js and html-manager's embed-amd.js; copied to <site>/_vendor/.
(function () {
  var here = document.currentScript.src.replace(/[^/?]*(\?.*)?$/, ""); // <site>/_vendor/
  // embed-amd.js takes its webpack publicPath (where its Font Awesome files are fetched
  // from) from the RequireJS module URI, which by default is "<page folder>/@jupyter-widgets/".
  var embed = here + "html-manager/embed-amd";
  requirejs.config({
    paths: {
      "@jupyter-widgets/html-manager": embed,
      "@jupyter-widgets/html-manager/dist/libembed-amd": embed,
    },
  });
  // Widget modules not bundled in html-manager (third-party widget libraries) are fetched
  // from <data-jupyter-widgets-cdn><pkg>@<version>/dist/...; the default is jsdelivr.
  document.currentScript.setAttribute("data-jupyter-widgets-cdn", here + "npm/");
  document.currentScript.setAttribute("data-jupyter-widgets-cdn-only", "");
  // ipywidgets 8 typesets widget labels with the MathJax 2 API (MathJax.Hub.Queue),
  // which throws under MathJax 3: bridge it.
  var M = window.MathJax;
  if (M && M.startup && !M.Hub) {
    M.Hub = {
      Queue: function (job) {
        M.startup.promise.then(function () { return M.typesetPromise([job[2]]); });
      },
    };
  }
  // ipywidgets draws a slider as a noUiSlider handle (role="slider") with no accessible name:
  // give each handle the visible label of its widget, so screen readers announce it.
  function nameSliders() {
    document.querySelectorAll(".noUi-handle:not([aria-label])").forEach(function (handle) {
      var widget = handle.closest(".widget-slider, .jupyter-widgets");
      var label = widget && widget.querySelector(".widget-label");
      var text = label && label.textContent.trim();
      handle.setAttribute("aria-label", text || (widget && widget.title) || "slider");
    });
  }
  new MutationObserver(nameSliders).observe(document.documentElement, { childList: true, subtree: true });
})();
