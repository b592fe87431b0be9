// A background job's page: the progress bar follows the job until it ends,
// then the page reloads to show the result. Forms marked data-once submit
// once: a double click does not start a second job (the server also refuses
// a form's second post, by its nonce).
(function () {
  "use strict";

  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
        b.setAttribute("aria-disabled", "true");
        b.classList.add("sending");
      });
    });
  });

  var box = document.querySelector(".job-progress[data-progress-url]");
  if (!box || box.dataset.status === "done" || box.dataset.status === "failed") {
    return;
  }
  var bar = box.querySelector("progress");
  var label = box.querySelector(".job-status");
  var step = box.querySelector(".job-step");
  var count = box.querySelector(".job-count");
  var waiting = box.querySelector(".job-waiting");
  var delay = 300;

  function show(state) {
    bar.value = state.percent;
    bar.textContent = state.percent + "%";
    label.textContent = state.status_label;
    label.className = "job-status status-" + state.status;
    step.textContent = state.step;
    count.textContent = state.total ? state.done + " / " + state.total : "";
    waiting.hidden = !state.waiting;
    box.dataset.status = state.status;
  }

  function poll() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (state.finished) {
          window.location.reload();
          return;
        }
        delay = 300;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 10000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
