// lexproof workbench: a few conveniences; every page also works without script.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Solver calls can take a while: say so while the next page is computed.
  document.querySelectorAll("form.solver").forEach(function (form) {
    form.addEventListener("submit", function () {
      var working = document.getElementById("working");
      if (working) { working.hidden = false; }
    });
  });
  // Ask: a click on a fact or decision name inserts it into the question.
  var question = document.getElementById("q");
  document.querySelectorAll(".names code").forEach(function (name) {
    name.addEventListener("click", function () {
      if (!question) { return; }
      var start = question.selectionStart, end = question.selectionEnd, text = name.textContent;
      question.value = question.value.slice(0, start) + text + question.value.slice(end);
      question.focus();
      question.selectionStart = question.selectionEnd = start + text.length;
    });
  });
});
