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
  completion(question);
  itemRows();
});

// Ask: completion of names (facts, decisions, parameters, enum values, item kinds) from the
// loaded statute, listed in the page (#name-list). Typing shows the names that start with (then
// contain) the word before the cursor; arrows choose, Enter or Tab takes one, Escape closes.
function completion(box) {
  var list = document.getElementById("suggestions"), source = document.getElementById("name-list");
  if (!box || !list || !source) { return; }
  var names = JSON.parse(source.textContent), shown = [], active = -1;
  function word() {
    var before = box.value.slice(0, box.selectionStart), match = /[A-Za-z_][A-Za-z0-9_]*$/.exec(before);
    return match ? {text: match[0], start: before.length - match[0].length} : null;
  }
  function close() { list.hidden = true; list.innerHTML = ""; shown = []; active = -1; }
  function take(index) {
    var current = word(), name = shown[index][0];
    if (!current) { return; }
    var end = box.selectionStart;
    box.value = box.value.slice(0, current.start) + name + box.value.slice(end);
    box.selectionStart = box.selectionEnd = current.start + name.length;
    close();
    box.focus();
  }
  function mark() {
    Array.prototype.forEach.call(list.children, function (item, index) {
      item.setAttribute("aria-selected", index === active ? "true" : "false");
    });
  }
  function update() {
    var current = word();
    close();
    if (!current) { return; }
    var lower = current.text.toLowerCase();
    var starts = names.filter(function (n) { return n[0].toLowerCase().indexOf(lower) === 0 && n[0] !== current.text; });
    var inside = names.filter(function (n) { return n[0].toLowerCase().indexOf(lower) > 0; });
    shown = starts.concat(inside).slice(0, 10);
    if (!shown.length) { return; }
    shown.forEach(function (n, index) {
      var item = document.createElement("li"), kind = document.createElement("small");
      item.setAttribute("role", "option");
      item.textContent = n[0] + " ";
      kind.textContent = n[1];
      item.appendChild(kind);
      item.addEventListener("mousedown", function (event) { event.preventDefault(); take(index); });
      list.appendChild(item);
    });
    active = 0;
    mark();
    list.hidden = false;
  }
  box.addEventListener("input", update);
  box.addEventListener("blur", close);
  box.addEventListener("keydown", function (event) {
    if (list.hidden) { return; }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      active = (active + (event.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length;
      mark();
      event.preventDefault();
    } else if (event.key === "Enter" || event.key === "Tab") {
      take(active);
      event.preventDefault();
    } else if (event.key === "Escape") {
      close();
    }
  });
}

