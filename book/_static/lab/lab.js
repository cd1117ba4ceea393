// The virtual patient lab (book/front/lab.md): a form for up to three scenarios, run by hpg in
// a Web Worker (worker.js), drawn with uPlot, tabulated, downloadable as CSV, and encoded in the
// page's address so that a link restores the whole setup. The form's choices (drugs, studied
// ranges, presets, parameter ranges, outputs) come from _lab/catalogue.json, which the build
// writes from hpg itself; every check of the input is hpg's own (hpg.lab.run returns its message
// and the field it names).
(() => {
  "use strict";

  const script = document.currentScript;
  const ROOT = new URL("../../", script.src); // this file is <site>/_static/lab/lab.js
  const PALETTE = ["#0072B2", "#D55E00", "#009E73"]; // Okabe-Ito blue, vermillion, bluish green
  const DASHES = [[], [10, 5], [2, 4]];
  const STYLE_NAMES = ["solid", "dashed", "dotted"];
  const LABELS = ["A", "B", "C"];
  const OUTPUT_NAMES = {
    T: "Total testosterone",
    free_T: "Free testosterone",
    LH: "LH",
    FSH: "FSH",
    E2: "Estradiol",
    ITT: "Intratesticular testosterone",
    inhibin_B: "Inhibin B",
    sperm: "Sperm concentration",
    testis_volume: "Testis volume",
  };
  const AXIS_NAMES = { free_T: "free T", inhibin_B: "inhibin B", sperm: "sperm", testis_volume: "testis volume" };
  const PARAMETER_NAMES = {
    gnrh_drive: "GnRH drive",
    leydig_capacity: "Leydig-cell capacity",
    sertoli_capacity: "Sertoli-cell capacity",
    bmi: "Body-mass index",
  };
  const DRUG_NAMES = { hcg: "hCG" };
  const DEFAULT_STATE = {
    days: 730,
    outputs: ["T", "LH", "FSH", "sperm"],
    scenarios: [
      {
        label: "Testosterone for a year",
        patient: { preset: "healthy" },
        regimens: [{ drug: "testosterone_enanthate", dose: 200, every: 7, start: 0, stop: 365 }],
      },
    ],
  };

  const drugName = (name) => DRUG_NAMES[name] || name.replace(/_/g, " ");
  const presetName = (name) => name.replace(/_/g, " ");
  const outputLabel = (name, unit) => `${OUTPUT_NAMES[name] || name} (${unit})`;
  const axisLabel = (name, unit) => `${AXIS_NAMES[name] || name} (${unit})`;
  const short = (x) => String(Number(Number(x).toPrecision(4)));
  const span = ([low, high], unit = "") => `${low === high ? short(low) : `${short(low)}–${short(high)}`}${unit}`;
  const clone = (value) => JSON.parse(JSON.stringify(value));
  const el = (tag, attributes = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    node.append(...children.filter((c) => c !== null && c !== undefined));
    return node;
  };
  // What a number field holds, as hpg is given it: empty -> null, a number -> the number, and
  // anything else unchanged (hpg's validation names it).
  const fieldValue = (text) => {
    const trimmed = String(text).trim();
    if (trimmed === "") return null;
    const number = Number(trimmed);
    return Number.isFinite(number) ? number : trimmed;
  };
  const shown = (value) => (value === null || value === undefined ? "" : String(value));
  const rounded = (value) => {
    if (!Number.isFinite(value)) return String(value);
    if (Math.abs(value) >= 1000) return value.toFixed(0);
    return String(Number(value.toPrecision(3)));
  };

  // ------------------------------------------------------------------ the address
  function encodeState(state) {
    return "#" + encodeURIComponent(JSON.stringify(state));
  }

  function decodeState(hash) {
    if (!hash || hash.length < 2) return null;
    const state = JSON.parse(decodeURIComponent(hash.slice(1)));
    if (!state || !Array.isArray(state.scenarios) || state.scenarios.length === 0) {
      throw new Error("the address holds no scenario");
    }
    return {
      days: state.days ?? DEFAULT_STATE.days,
      outputs: Array.isArray(state.outputs) ? state.outputs : clone(DEFAULT_STATE.outputs),
      scenarios: state.scenarios.slice(0, LABELS.length).map((s, i) => ({
        label: typeof s.label === "string" && s.label ? s.label : LABELS[i],
        patient: s.patient && typeof s.patient === "object" ? s.patient : { preset: "healthy" },
        regimens: Array.isArray(s.regimens) ? s.regimens.filter((r) => r && typeof r === "object" && !Array.isArray(r)) : [],
      })),
    };
  }

  // ------------------------------------------------------------------ the worker
  class Model {
    constructor() {
      this.worker = new Worker(new URL("_static/lab/worker.js", ROOT), { type: "module" });
      this.pending = new Map();
      this.next = 0;
      this.ready = new Promise((resolve, reject) => {
        this.worker.addEventListener("message", (event) => {
          const message = event.data;
          if ("ready" in message) {
            if (message.ready) resolve(message);
            else reject(new Error(message.error));
            return;
          }
          const waiting = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (message.failure) waiting.reject(new Error(message.failure));
          else waiting.resolve({ ...JSON.parse(message.result), ms: message.ms });
        });
        this.worker.addEventListener("error", (event) => reject(new Error(event.message || "the worker failed to start")));
      });
    }

    run(scenario) {
      const id = this.next++;
      return new Promise((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        this.worker.postMessage({ id, scenario });
      });
    }
  }

  // ------------------------------------------------------------------ the lab
  class Lab {
    constructor(root, catalogue) {
      this.root = root;
      this.catalogue = catalogue;
      this.drugs = Object.fromEntries(catalogue.drugs.map((d) => [d.name, d]));
      this.charts = [];
      this.generation = 0;
      this.results = null;
      this.runs = 0;
      this.state = clone(DEFAULT_STATE);
      try {
        this.state = decodeState(location.hash) || this.state;
      } catch (error) {
        this.linkProblem = `The scenario in this address could not be read (${error.message}); the default scenario is shown.`;
      }
      this.build();
      this.model = new Model();
      this.setStatus("Starting Python in your browser (the first time takes a few seconds)…");
      this.model.ready.then(
        (info) => {
          this.root.dataset.pythonMs = info.ms.toFixed(0);
          this.root.dataset.ready = "true";
          this.run();
        },
        (error) => this.setStatus(`Python could not start in this browser: ${error.message}`, true),
      );
      window.addEventListener("resize", () => this.resizeCharts());
      // Axis text follows the theme: redraw when the reader switches between light and dark.
      new MutationObserver(() => this.results && this.draw(this.results)).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    }

    setStatus(text, problem = false) {
      this.status.textContent = text;
      this.status.classList.toggle("hpg-lab-problem", problem);
    }

    // -------------------------------------------------------------- the form
    build() {
      this.status = el("p", { class: "hpg-lab-status", role: "status", "aria-live": "polite" });
      this.form = el("form", { class: "hpg-lab-form", "aria-label": "Lab settings", onsubmit: (e) => { e.preventDefault(); this.run(); } });
      this.results_ = el("section", { class: "hpg-lab-results", "aria-label": "Results" });
      this.root.replaceChildren(this.form, this.status, this.results_);
      this.renderForm();
      if (this.linkProblem) this.setStatus(this.linkProblem, true);
    }

    renderForm() {
      const { state, catalogue } = this;
      const settings = el("fieldset", { class: "hpg-lab-settings" }, el("legend", { text: "Run" }));
      const days = el("input", {
        id: "lab-days", type: "number", min: "1", step: "1", value: shown(state.days), inputmode: "numeric",
        onchange: (e) => { state.days = fieldValue(e.target.value); this.changed(); },
      });
      settings.append(
        el("div", { class: "hpg-lab-field" }, el("label", { for: "lab-days", text: "Run length (days)" }), days, this.messageSlot("days")),
      );
      const outputs = el("fieldset", { class: "hpg-lab-outputs" }, el("legend", { text: "Outputs to show" }));
      for (const [name, info] of Object.entries(catalogue.outputs)) {
        const id = `lab-output-${name}`;
        outputs.append(
          el("span", { class: "hpg-lab-check" },
            el("input", {
              id, type: "checkbox", checked: state.outputs.includes(name),
              onchange: (e) => {
                state.outputs = Object.keys(catalogue.outputs).filter((n) => (n === name ? e.target.checked : state.outputs.includes(n)));
                this.changed({ rerun: false });
              },
            }),
            el("label", { for: id, text: outputLabel(name, info.unit) })),
        );
      }
      settings.append(outputs);

      const scenarios = state.scenarios.map((scenario, index) => this.scenarioFieldset(scenario, index));
      const actions = el("div", { class: "hpg-lab-actions" },
        el("button", { type: "submit", class: "hpg-lab-run", text: "Run" }),
        el("button", {
          type: "button", text: "Add a scenario (a copy of the last)", disabled: state.scenarios.length >= catalogue.max_scenarios,
          onclick: () => {
            const copy = clone(state.scenarios[state.scenarios.length - 1]);
            copy.label = LABELS[state.scenarios.length];
            state.scenarios.push(copy);
            this.changed({ rebuild: true, focus: `s${state.scenarios.length - 1}-label` });
          },
        }),
        el("button", { type: "button", text: "Copy link to this setup", onclick: () => this.copyLink() }),
        el("button", {
          type: "button", text: "Start again",
          onclick: () => { this.state = clone(DEFAULT_STATE); this.changed({ rebuild: true, focus: "lab-days" }); },
        }),
      );
      this.form.replaceChildren(settings, ...scenarios, actions);
    }

    scenarioFieldset(scenario, s) {
      const { catalogue } = this;
      const fieldset = el("fieldset", { class: "hpg-lab-scenario", "data-scenario": s, style: `--hpg-lab-colour: ${PALETTE[s]}` },
        el("legend", { text: `Scenario ${LABELS[s]} (${STYLE_NAMES[s]} line)` }));
      fieldset.append(
        this.textField(`s${s}-label`, "Label", scenario.label, (value) => { scenario.label = value; this.changed({ rerun: false }); }),
        this.messageSlot(`scenarios.${s}`),
      );
      // The patient
      const patient = scenario.patient;
      const preset = catalogue.presets[patient.preset] ? patient.preset : null;
      const presetSelect = el("select", {
        id: `s${s}-patient-preset`,
        onchange: (e) => { scenario.patient = { preset: e.target.value }; this.changed({ rebuild: true, focus: e.target.id }); },
      }, ...Object.keys(catalogue.presets).map((name) => el("option", { value: name, selected: name === patient.preset, text: presetName(name) })));
      if (!preset) presetSelect.prepend(el("option", { value: shown(patient.preset), selected: true, text: shown(patient.preset) }));
      const group = el("fieldset", { class: "hpg-lab-patient" }, el("legend", { text: "Patient" }),
        el("div", { class: "hpg-lab-field" }, el("label", { for: presetSelect.id, text: "Preset" }), presetSelect, this.messageSlot(`s${s}:patient.preset`)));
      if (preset) group.append(el("p", { class: "hpg-lab-hint", text: catalogue.presets[preset].why }));
      for (const [name, spec] of Object.entries(catalogue.parameters)) {
        const base = preset ? catalogue.presets[preset].parameters[name] ?? spec.default : spec.default;
        const value = name in patient ? patient[name] : base;
        const id = `s${s}-patient-${name}`;
        group.append(
          el("div", { class: "hpg-lab-field" },
            el("label", { for: id, text: `${PARAMETER_NAMES[name] || name}${spec.unit && spec.unit !== "1" ? ` (${spec.unit})` : ""}` }),
            el("input", {
              id, type: "number", step: "any", value: shown(value), "aria-describedby": `${id}-range`,
              onchange: (e) => {
                const v = fieldValue(e.target.value);
                if (v === base) delete patient[name];
                else patient[name] = v;
                this.changed();
              },
            }),
            el("span", { id: `${id}-range`, class: "hpg-lab-hint", text: `documented range ${spec.low}–${spec.high}; ${spec.meaning}` }),
            this.messageSlot(`s${s}:patient.${name}`)),
        );
      }
      fieldset.append(group);
      // The regimens
      const regimens = el("fieldset", { class: "hpg-lab-regimens" }, el("legend", { text: "Regimens" }));
      if (!scenario.regimens.length) regimens.append(el("p", { class: "hpg-lab-hint", text: "No treatment: the untreated man." }));
      scenario.regimens.forEach((regimen, r) => regimens.append(this.regimenRow(scenario, s, regimen, r)));
      const studies = el("select", {
        id: `s${s}-study`,
        onchange: (e) => {
          if (!e.target.value) return;
          const [drug, index] = e.target.value.split("|");
          const study = this.drugs[drug].studies[Number(index)];
          scenario.regimens.push({ drug, dose: study.dose, every: study.every, start: 0, stop: null });
          this.changed({ rebuild: true, focus: `s${s}-r${scenario.regimens.length - 1}-dose` });
        },
      }, el("option", { value: "", text: "Choose a study…" }));
      for (const drug of catalogue.drugs) {
        drug.studies.forEach((study, i) => studies.append(el("option", {
          value: `${drug.name}|${i}`,
          text: `${drugName(drug.name)}: regimen used in ${study.name} (${study.dose} ${drug.unit}${study.every ? ` every ${study.every} d` : ", once"})`,
        })));
      }
      regimens.append(
        el("div", { class: "hpg-lab-actions" },
          el("button", {
            type: "button", text: "Add a regimen",
            onclick: () => {
              const drug = catalogue.drugs[0];
              const study = drug.studies[0];
              scenario.regimens.push({ drug: drug.name, dose: study ? study.dose : drug.dose_range?.[0] ?? null, every: study?.every ?? 7, start: 0, stop: null });
              this.changed({ rebuild: true, focus: `s${s}-r${scenario.regimens.length - 1}-drug` });
            },
          }),
          el("span", { class: "hpg-lab-field" }, el("label", { for: studies.id, text: "or add the regimen of a study" }), studies)),
      );
      fieldset.append(regimens);
      if (this.state.scenarios.length > 1) {
        fieldset.append(el("button", {
          type: "button", text: `Remove scenario ${LABELS[s]}`,
          onclick: () => { this.state.scenarios.splice(s, 1); this.relabel(); this.changed({ rebuild: true }); },
        }));
      }
      return fieldset;
    }

    relabel() {
      this.state.scenarios.forEach((scenario, i) => { if (LABELS.includes(scenario.label)) scenario.label = LABELS[i]; });
    }

    regimenRow(scenario, s, regimen, r) {
      const drug = this.drugs[regimen.drug];
      const infusion = Boolean(regimen.infusion);
      const amount = infusion ? "rate" : "dose";
      const unit = drug ? drug.unit : "";
      const prefix = `s${s}-r${r}`;
      const row = el("fieldset", { class: "hpg-lab-regimen" }, el("legend", { text: `Regimen ${r + 1}` }));
      const drugSelect = el("select", {
        id: `${prefix}-drug`,
        onchange: (e) => { regimen.drug = e.target.value; this.changed({ rebuild: true, focus: e.target.id }); },
      }, ...this.catalogue.drugs.map((d) => el("option", { value: d.name, selected: d.name === regimen.drug, text: drugName(d.name) })));
      if (!drug) drugSelect.prepend(el("option", { value: shown(regimen.drug), selected: true, text: shown(regimen.drug) }));
      row.append(el("div", { class: "hpg-lab-field" }, el("label", { for: drugSelect.id, text: "Drug" }), drugSelect, this.messageSlot(`s${s}:regimens.${r}.drug`)));

      const range = drug && drug.dose_range;
      const note = el("span", { id: `${prefix}-${amount}-note`, class: "hpg-lab-hint" });
      const updateNote = () => {
        const value = regimen[amount];
        const outside = !infusion && range && typeof value === "number" && (value < range[0] || value > range[1]);
        note.textContent = infusion
          ? `${unit} per day, continuously`
          : range ? `studied: ${span(range, ` ${unit}`)}${outside ? " — ⚠ outside the studied range" : ""}` : "no cited study of this drug's dose";
        note.classList.toggle("hpg-lab-outside", Boolean(outside));
      };
      updateNote();
      row.append(this.numberField(`${prefix}-${amount}`, infusion ? `Rate (${unit}/day)` : `Dose (${unit})`, regimen[amount], (v) => { regimen[amount] = v; updateNote(); }, note, `s${s}:regimens.${r}.${amount}`));
      if (!infusion) {
        const every = drug && drug.every_range ? `studied: every ${span(drug.every_range, " d")}; ` : "";
        row.append(this.numberField(`${prefix}-every`, "Every (days)", regimen.every, (v) => { regimen.every = v; },
          el("span", { id: `${prefix}-every-note`, class: "hpg-lab-hint", text: `${every}empty: one dose` }), `s${s}:regimens.${r}.every`));
      }
      row.append(this.numberField(`${prefix}-start`, "Start (day)", regimen.start, (v) => { regimen.start = v; }, null, `s${s}:regimens.${r}.start`));
      row.append(this.numberField(`${prefix}-stop`, "Stop (day)", regimen.stop, (v) => { regimen.stop = v; },
        el("span", { id: `${prefix}-stop-note`, class: "hpg-lab-hint", text: "empty: to the end" }), `s${s}:regimens.${r}.stop`));
      const infusionId = `${prefix}-infusion`;
      row.append(
        el("span", { class: "hpg-lab-check" },
          el("input", {
            id: infusionId, type: "checkbox", checked: infusion,
            onchange: (e) => {
              if (e.target.checked) {
                const rate = typeof regimen.dose === "number" && typeof regimen.every === "number" ? regimen.dose / regimen.every : regimen.dose;
                Object.assign(regimen, { rate, infusion: true });
                delete regimen.dose; delete regimen.every;
              } else {
                Object.assign(regimen, { dose: regimen.rate, every: 1 });
                delete regimen.rate; delete regimen.infusion;
              }
              this.changed({ rebuild: true, focus: infusionId });
            },
          }),
          el("label", { for: infusionId, text: "continuous infusion" })),
        el("button", {
          type: "button", text: `Remove regimen ${r + 1}`,
          onclick: () => { scenario.regimens.splice(r, 1); this.changed({ rebuild: true }); },
        }),
        this.messageSlot(`s${s}:regimens.${r}`),
      );
      return row;
    }

    numberField(id, label, value, set, hint, slot) {
      const input = el("input", {
        id, type: "number", step: "any", value: shown(value), "aria-describedby": hint ? hint.id : undefined,
        onchange: (e) => { set(fieldValue(e.target.value)); this.changed(); },
      });
      return el("div", { class: "hpg-lab-field" }, el("label", { for: id, text: label }), input, hint, this.messageSlot(slot));
    }

    textField(id, label, value, set) {
      return el("div", { class: "hpg-lab-field" }, el("label", { for: id, text: label }),
        el("input", { id, type: "text", value: shown(value), onchange: (e) => set(e.target.value) }));
    }

    // A place for hpg's message about one field: "days", "scenarios.<s>" or "s<s>:<field path>".
    messageSlot(path) {
      return el("p", { class: "hpg-lab-message", "data-field": path, hidden: true });
    }

    changed({ rebuild = false, rerun = true, focus = null } = {}) {
      history.replaceState(null, "", encodeState(this.state));
      if (rebuild) {
        this.renderForm();
        if (focus) document.getElementById(focus)?.focus();
      }
      if (rerun) this.schedule();
      else if (this.results) this.draw(this.results);
    }

    schedule() {
      clearTimeout(this.timer);
      this.root.dataset.busy = "1"; // a run is due: what is shown may not follow the form yet
      this.timer = setTimeout(() => this.run(), 150);
    }

    settled(generation) {
      // The newest run has finished and no other is due: the page now shows the form's setup.
      if (generation === this.generation && !this.timer) this.root.dataset.busy = "0";
    }

    copyLink() {
      const url = location.href.split("#")[0] + encodeState(this.state);
      history.replaceState(null, "", encodeState(this.state));
      const done = () => this.setStatus("The link to this setup is in the address bar and on your clipboard.");
      if (navigator.clipboard) navigator.clipboard.writeText(url).then(done, () => this.setStatus("The address bar holds the link to this setup."));
      else this.setStatus("The address bar holds the link to this setup.");
    }

    // -------------------------------------------------------------- running
    async run() {
      this.timer = null;
      const generation = ++this.generation;
      const { state } = this;
      this.clearMessages();
      this.setStatus("Computing…");
      const scenarios = state.scenarios.map((s) => ({ patient: s.patient, regimens: s.regimens, days: state.days }));
      let results;
      try {
        await this.model.ready;
        results = await Promise.all(scenarios.map((scenario) => this.model.run(scenario)));
      } catch (error) {
        if (generation === this.generation) this.setStatus(`The model failed: ${error.message}`, true);
        this.settled(generation);
        return;
      }
      if (generation !== this.generation) return; // a newer run is on its way
      const problems = results.map((result, s) => (result.error ? this.showMessage(s, result.error) : null)).filter(Boolean);
      this.runs += 1;
      this.root.dataset.runs = String(this.runs);
      if (problems.length) {
        this.results = null;
        this.clearResults();
        this.root.dataset.state = "error";
        this.setStatus(`Nothing is drawn until the input is corrected: ${problems.join(" ")}`, true);
        this.settled(generation);
        return;
      }
      const ms = results.reduce((sum, r) => sum + r.ms, 0);
      this.root.dataset.ms = ms.toFixed(1);
      this.results = results.map((result, s) => ({ ...result, scenario: clone(state.scenarios[s]) }));
      this.root.dataset.state = "done";
      this.draw(this.results);
      this.setStatus(`Computed ${results.length} scenario${results.length > 1 ? "s" : ""} of ${state.days} days in ${ms.toFixed(0)} ms.`);
      this.settled(generation);
    }

    clearMessages() {
      for (const node of this.form.querySelectorAll(".hpg-lab-message")) {
        node.hidden = true;
        node.textContent = "";
      }
      for (const node of this.form.querySelectorAll("[aria-invalid]")) {
        node.removeAttribute("aria-invalid");
        const described = (node.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.endsWith("-message"));
        if (described.length) node.setAttribute("aria-describedby", described.join(" "));
        else node.removeAttribute("aria-describedby");
      }
    }

    // Show hpg's message beside the field it names (or at the top of the scenario); return a summary.
    showMessage(s, error) {
      const field = error.field;
      const path = field === "days" ? "days" : field ? `s${s}:${field}` : `scenarios.${s}`;
      let slot = this.form.querySelector(`[data-field="${CSS.escape(path)}"]`);
      if (!slot && field) slot = this.form.querySelector(`[data-field="${CSS.escape(`s${s}:${field.split(".").slice(0, 2).join(".")}`)}"]`);
      if (!slot) slot = this.form.querySelector(`[data-field="scenarios.${s}"]`);
      slot.hidden = false;
      slot.textContent = error.message;
      slot.id = `${path.replace(/[^\w-]/g, "-")}-message`;
      const input = slot.parentElement.querySelector("input, select");
      if (input && slot.parentElement.classList.contains("hpg-lab-field")) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", `${input.getAttribute("aria-describedby") || ""} ${slot.id}`.trim());
      }
      const where = field === "days" ? "run length" : `scenario ${LABELS[s]}`;
      return `${where}: ${error.message}.`;
    }

    // -------------------------------------------------------------- drawing
    clearResults() {
      for (const chart of this.charts) chart.destroy();
      this.charts = [];
      this.results_.replaceChildren();
    }

    draw(results) {
      this.clearResults();
      const outputs = this.state.outputs.filter((name) => name in results[0].outputs);
      const charts = el("div", { class: "hpg-lab-charts" });
      for (const name of outputs) charts.append(this.chart(name, results));
      const table = this.table(outputs, results);
      const csv = this.csv(outputs, results);
      const download = el("a", {
        class: "hpg-lab-download", download: "hpg-lab.csv", text: "Download the data (CSV)",
        href: URL.createObjectURL(new Blob([csv], { type: "text/csv" })),
      });
      this.results_.append(
        el("h2", { text: "Results" }),
        el("p", { class: "hpg-lab-hint", text: "Shaded band: the healthy reference range. Bars under each chart: treatment periods, in the colour of their scenario." }),
        charts,
        el("h2", { text: "Data" }),
        download,
        table,
      );
      requestAnimationFrame(() => this.resizeCharts());
    }

    describe(name, results) {
      const unit = results[0].units[name];
      const parts = results.map((result, s) => {
        const values = result.outputs[name];
        const last = values[values.length - 1];
        return `scenario ${LABELS[s]} “${result.scenario.label}” (${STYLE_NAMES[s]} line) starts at ${rounded(values[0])}, ` +
          `ranges from ${rounded(Math.min(...values))} to ${rounded(Math.max(...values))} and ends at ${rounded(last)} ${unit}`;
      });
      return `${outputLabel(name, unit)} by day over ${results[0].t[results[0].t.length - 1]} days: ${parts.join("; ")}.`;
    }

    treatments(result) {
      return result.scenario.regimens.map((r) => {
        const amount = r.infusion ? `${r.rate} ${this.drugs[r.drug]?.unit ?? ""}/day` : `${r.dose} ${this.drugs[r.drug]?.unit ?? ""}${r.every ? ` every ${r.every} d` : " once"}`;
        return { start: r.start ?? 0, stop: r.stop, text: `${drugName(r.drug)} ${amount}, day ${r.start ?? 0}–${r.stop ?? "end"}` };
      });
    }

    chart(name, results) {
      const unit = results[0].units[name];
      const reference = this.catalogue.outputs[name]?.reference;
      const description = this.describe(name, results);
      const holder = el("div", { class: "hpg-lab-plot", role: "img", "aria-label": description });
      const caption = el("figcaption", {},
        el("strong", { text: outputLabel(name, unit) }),
        ...results.map((result, s) => el("span", { class: "hpg-lab-key" },
          el("span", { class: `hpg-lab-swatch hpg-lab-swatch-${s}`, "aria-hidden": "true" }),
          ` ${LABELS[s]}: ${result.scenario.label}${this.treatments(result).length ? ` — ${this.treatments(result).map((t) => t.text).join("; ")}` : " — no treatment"}`)),
        reference ? el("span", { class: "hpg-lab-key", text: `Shaded: reference range ${reference[0]}${reference[1] === null ? " and above" : `–${reference[1]}`} ${unit}.` }) : null);
      const figure = el("figure", { class: "hpg-lab-figure", "data-output": name }, holder, caption);
      const textColour = getComputedStyle(this.root).color;
      const grid = { stroke: "rgba(128,128,128,0.25)", width: 1 };
      const lanes = results.map((result) => this.treatments(result));
      const options = {
        width: 600,
        height: 260,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false } },
        axes: [
          { label: "Day", stroke: textColour, grid, ticks: grid },
          { label: axisLabel(name, unit), stroke: textColour, grid, ticks: grid, size: 60 },
        ],
        series: [{ label: "Day" }, ...results.map((result, s) => ({
          label: `${LABELS[s]}: ${result.scenario.label}`, stroke: PALETTE[s], dash: DASHES[s], width: 2, points: { show: false },
        }))],
        padding: [8, 8, 6 + 6 * lanes.length, 0],
        hooks: {
          drawClear: [(u) => reference && this.shade(u, reference)],
          draw: [(u) => this.lanes(u, lanes)],
        },
      };
      const data = [results[0].t, ...results.map((result) => result.outputs[name])];
      this.charts.push(new window.uPlot(options, data, holder));
      return figure;
    }

    shade(u, [low, high]) {
      const { ctx, bbox } = u;
      const top = high === null ? bbox.top : Math.max(bbox.top, u.valToPos(high, "y", true));
      const bottom = Math.min(bbox.top + bbox.height, u.valToPos(low, "y", true));
      if (bottom <= top) return;
      ctx.save();
      ctx.fillStyle = "rgba(128, 128, 128, 0.18)";
      ctx.fillRect(bbox.left, top, bbox.width, bottom - top);
      ctx.restore();
    }

    lanes(u, lanes) {
      const { ctx, bbox } = u;
      const end = u.scales.x.max;
      const ratio = window.devicePixelRatio || 1;
      ctx.save();
      lanes.forEach((periods, s) => {
        ctx.fillStyle = PALETTE[s];
        const y = bbox.top + bbox.height + (3 + 6 * s) * ratio;
        for (const period of periods) {
          const x0 = u.valToPos(Math.max(period.start, u.scales.x.min), "x", true);
          const x1 = u.valToPos(Math.min(period.stop ?? end, end), "x", true);
          if (x1 > x0) ctx.fillRect(x0, y, x1 - x0, 4 * ratio);
        }
      });
      ctx.restore();
    }

    resizeCharts() {
      for (const chart of this.charts) {
        const width = Math.max(240, chart.root.parentElement.clientWidth);
        chart.setSize({ width, height: width < 500 ? 220 : 260 });
      }
    }

    columns(outputs, results) {
      const columns = [];
      for (const name of outputs) {
        results.forEach((result, s) => columns.push({ name, s, header: `${outputLabel(name, result.units[name])}, ${LABELS[s]}`, values: result.outputs[name] }));
      }
      return columns;
    }

    table(outputs, results) {
      const columns = this.columns(outputs, results);
      const head = `<tr><th scope="col">Day</th>${columns.map((c) => `<th scope="col" data-output="${c.name}" data-scenario="${c.s}">${escape(c.header)}</th>`).join("")}</tr>`;
      const rows = results[0].t.map((day, i) =>
        `<tr><th scope="row">${day}</th>${columns.map((c) => `<td data-value="${c.values[i]}">${rounded(c.values[i])}</td>`).join("")}</tr>`);
      const table = el("table", { class: "hpg-lab-table" });
      table.innerHTML = `<caption>Every plotted value, by day (scenarios: ${results.map((r, s) => `${LABELS[s]} = ${escape(r.scenario.label)}`).join(", ")}); shown to 3 significant figures, full precision in the CSV.</caption><thead>${head}</thead><tbody>${rows.join("")}</tbody>`;
      return el("div", { class: "hpg-lab-table-wrap", role: "region", "aria-label": "Data table", tabindex: "0" }, table);
    }

    csv(outputs, results) {
      const columns = this.columns(outputs, results);
      const quote = (text) => `"${String(text).replace(/"/g, '""')}"`;
      const lines = [["day", ...columns.map((c) => `${c.name} (${results[c.s].units[c.name]}) ${LABELS[c.s]}: ${results[c.s].scenario.label}`)].map(quote).join(",")];
      results[0].t.forEach((day, i) => lines.push([day, ...columns.map((c) => c.values[i])].join(",")));
      return lines.join("\n") + "\n";
    }
  }

  function escape(text) {
    return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  }

  async function main() {
    const root = document.getElementById("hpg-lab");
    if (!root) return;
    try {
      const response = await fetch(new URL("_lab/catalogue.json", ROOT));
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      window.hpgLab = new Lab(root, await response.json());
    } catch (error) {
      root.replaceChildren(el("p", { class: "hpg-lab-problem", role: "alert", text: `The lab could not load its catalogue of drugs: ${error.message}` }));
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
  else main();
})();
