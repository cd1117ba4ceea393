// Self-checks that answer back (book/_ext/selfcheck.py writes the forms). No kernel, no server:
// each form is marked here in the page. Feedback goes to a live status line, in words as well as
// colour; native radio buttons, text boxes and buttons keep everything usable with a keyboard.
(function () {
  "use strict";

  function show(form, ok, text) {
    var line = form.querySelector(".hpg-sc-feedback");
    line.textContent = (ok ? "Correct. " : "Not quite. ") + text;
    line.className = "hpg-sc-feedback " + (ok ? "hpg-sc-right" : "hpg-sc-wrong");
  }

  function ask(form, text) {
    var line = form.querySelector(".hpg-sc-feedback");
    line.textContent = text;
    line.className = "hpg-sc-feedback hpg-sc-empty";
  }

  function checkChoice(form) {
    var chosen = form.querySelector("input[type=radio]:checked");
    if (!chosen) return ask(form, "Choose an answer first.");
    show(form, chosen.hasAttribute("data-correct"), chosen.getAttribute("data-feedback"));
  }

  function checkNumber(form) {
    var input = form.querySelector("input[data-number]");
    var spec = JSON.parse(input.getAttribute("data-number"));
    var text = input.value.trim().replace(",", ".");
    var value = Number(text);
    if (text === "" || !isFinite(value)) {
      input.setAttribute("aria-invalid", "true");
      return ask(form, "Type a number, for example 12.5.");
    }
    input.removeAttribute("aria-invalid");
    if (Math.abs(value - spec.answer) <= spec.tolerance) return show(form, true, spec.correct);
    show(form, false, value < spec.answer ? spec.low : spec.high);
  }

  function start() {
    document.querySelectorAll("form.hpg-sc-question").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (form.getAttribute("data-kind") === "number") checkNumber(form);
        else checkChoice(form);
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
